"""Word-level diff inside a paragraph, including very long ones (badly split pages)."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.diffing import ArticleContent, diff_contents, word_ops
from monitor.diffing.words import WordOp, new_side, old_side

_WORDS = st.sampled_from(
    [
        "Kyiv",
        "said",
        "the",
        "brigade",
        "300",
        "Tuesday.",
        "drones",
        "killed",
        "army.",
        "air",
        "a",
    ]
)


def _changes(ops: tuple[WordOp, ...]) -> list[tuple[str, str, str]]:
    return [(op.tag, op.old, op.new) for op in ops if op.tag != "equal"]


def test_quote_style_is_not_a_word_change() -> None:
    ops = word_ops(
        "Ukraine's army said \u201cno\u201d.", 'Ukraine\u2019s army said "yes".'
    )
    assert _changes(ops) == [
        ("delete", "\u201cno\u201d.", ""),
        ("insert", "", '"yes".'),
    ]


def test_scattered_edits_in_a_very_long_paragraph(long_article: ArticleContent) -> None:
    old = " ".join(long_article.body)  # one 1,500-word paragraph
    words = old.split()
    for at, word in ((10, "Typhoon"), (700, "Eurofighter"), (1400, "Rafale")):
        words[at] = word
    new = " ".join(words)
    ops = word_ops(old, new)
    assert [c[2] for c in _changes(ops) if c[0] == "insert"] == [
        "Typhoon",
        "Eurofighter",
        "Rafale",
    ]
    assert len(_changes(ops)) == 6
    assert (old_side(ops), new_side(ops)) == (old, new)
    report = diff_contents(ArticleContent(body=(old,)), ArticleContent(body=(new,)))
    assert (report.words_added, report.words_removed) == (3, 3)


@st.composite
def _long_pair(draw: st.DrawFn) -> tuple[str, str]:
    base = draw(st.lists(_WORDS, min_size=5, max_size=40))
    old = base * draw(st.integers(1, 25))
    new = list(old)
    for _ in range(draw(st.integers(0, 5))):
        at = draw(st.integers(0, len(new)))
        action = draw(st.sampled_from(["insert", "delete", "replace"]))
        if action == "insert" or not new:
            new[at:at] = draw(st.lists(_WORDS, min_size=1, max_size=30))
        elif action == "delete":
            del new[min(at, len(new) - 1) : at + draw(st.integers(1, 40))]
        else:
            new[min(at, len(new) - 1)] = draw(_WORDS)
    return " ".join(old), " ".join(new)


@settings(max_examples=40, deadline=None)
@given(_long_pair())
def test_word_ops_describe_both_sides(pair: tuple[str, str]) -> None:
    old, new = pair
    ops = word_ops(old, new)
    assert (old_side(ops), new_side(ops)) == (old, new)
    assert all(a.tag != b.tag for a, b in itertools.pairwise(ops))  # runs are merged

"""Properties of the diff that must hold for any text (hypothesis)."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.diffing import (
    KIND_ORDER,
    ArticleContent,
    ChangeReport,
    apply_diff,
    diff_contents,
    fingerprint,
    normalise_text,
    normalised_fields,
    render_html,
)
from monitor.diffing.normalise import normalise_version

FAST = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)

# Words like news text: names, numbers, punctuation, and the noise re-fetching produces.
_PLAIN_WORDS = st.sampled_from(
    [
        "Kyiv",
        "Kharkiv",
        "NATO",
        "Pentagon",
        "said",
        "killed",
        "wounded",
        "missiles",
        "drones",
        "300",
        "350",
        "1,200",
        "12%",
        "$2.3bn",
        "the",
        "a",
        "of",
        "in",
        "on",
        "and",
        "officials",
        "forces",
        "strike",
        "air",
        "defence",
        "Correction:",
        "Update:",
        "army",
    ]
)
_NOISY_WORDS = st.one_of(
    _PLAIN_WORDS,
    st.sampled_from(
        ["Ukraine\u2019s", "Ukraine's", "Ukraine&#8217;s", "\u2013", "-", "&amp;", "&"]
    ),
    st.sampled_from(
        ["caf\u00e9", "cafe\u0301", "mis\u00adsiles", "air\u200b", "\u00a0"]
    ),
)


def _paragraph(words: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.lists(words, min_size=1, max_size=12).map(" ".join)


def _article(words: st.SearchStrategy[str]) -> st.SearchStrategy[ArticleContent]:
    return st.builds(
        ArticleContent,
        title=_paragraph(words),
        standfirst=st.lists(_paragraph(words), max_size=2).map(tuple),
        authors=st.lists(
            st.sampled_from(["Anna Kovalenko", "Tom Briggs", "Eve"]), max_size=2
        ).map(tuple),
        body=st.lists(_paragraph(words), max_size=8).map(tuple),
        modified_at=st.sampled_from([None, "2024-05-14T08:00:00Z"]),
    )


CLEAN_ARTICLES = _article(_PLAIN_WORDS)
NOISY_ARTICLES = _article(_NOISY_WORDS)


@st.composite
def _edited(draw: st.DrawFn, article: ArticleContent) -> ArticleContent:
    """A later version: paragraphs kept, dropped, edited, moved, added."""
    body = list(article.body)
    for _ in range(draw(st.integers(0, 4))):
        action = draw(st.sampled_from(["add", "drop", "edit", "move", "noise"]))
        if action == "add" or not body:
            body.insert(draw(st.integers(0, len(body))), draw(_paragraph(_NOISY_WORDS)))
            continue
        i = draw(st.integers(0, len(body) - 1))
        if action == "drop":
            del body[i]
        elif action == "edit":
            words = body[i].split() or [""]
            words[draw(st.integers(0, len(words) - 1))] = draw(_NOISY_WORDS)
            body[i] = " ".join(words)
        elif action == "move":
            body.insert(draw(st.integers(0, len(body) - 1)), body.pop(i))
        else:
            body[i] = body[i].replace("'", "\u2019").replace(" ", "\u00a0 ")
    title = draw(st.sampled_from([article.title, article.title + " ", "New headline"]))
    return replace(article, title=title, body=tuple(body))


@FAST
@given(st.text())
def test_normalising_twice_changes_nothing(text: str) -> None:
    once = normalise_text(text)
    assert normalise_text(once) == once


def _ascii_reference(text: str) -> str:
    """What normalising ASCII without entities means: controls dropped, backtick folded,
    whitespace collapsed (the shortcut for already-settled text must agree)."""
    return " ".join(
        re.sub("[\x00-\x08\x0e-\x1b\x7f]", "", text).replace("`", "'").split()
    )


@settings(max_examples=150, deadline=None)
@given(
    st.text(alphabet=st.sampled_from("ab. "))
    | st.text(alphabet=st.sampled_from("ab. `&;"))
    | st.text(alphabet=st.sampled_from("ab. `\t\n\r\x0b\x0c\x00\x1c\x7f"))
)
def test_ascii_text_normalises_like_the_general_rule(text: str) -> None:
    if "&" not in text:
        assert normalise_text(text) == _ascii_reference(text)
    assert normalise_text(text) == normalise_text(text.replace("`", "'"))


_ROUGH_PARAGRAPHS = st.lists(
    st.text(alphabet=st.sampled_from("ab. `&;\t\x00\u2019")), max_size=4
).map(tuple)


@settings(max_examples=150, deadline=None)
@given(
    CLEAN_ARTICLES
    | NOISY_ARTICLES
    | st.builds(
        ArticleContent,
        title=st.just("t"),
        standfirst=_ROUGH_PARAGRAPHS,
        authors=st.just(()),
        body=_ROUGH_PARAGRAPHS,
    )
)
def test_fields_are_those_of_the_normalised_version(article: ArticleContent) -> None:
    assert normalised_fields(article) == normalise_version(article).fields


@FAST
@given(NOISY_ARTICLES)
def test_a_text_never_differs_from_itself(article: ArticleContent) -> None:
    report = diff_contents(article, article)
    assert report.is_empty
    assert report.unified == ""


@FAST
@given(st.data(), CLEAN_ARTICLES)
def test_applying_the_diff_gives_the_new_version(
    data: st.DataObject, old: ArticleContent
) -> None:
    new = data.draw(_edited(old))
    report = diff_contents(old, new)
    rebuilt = apply_diff(old.body, report.body)
    assert [normalise_text(p) for p in rebuilt] == [
        normalise_text(p) for p in new.body if normalise_text(p)
    ]
    if all(p == " ".join(p.split()) and p.isascii() for p in new.body):
        assert rebuilt == list(new.body)  # exact when the new text has no noise


@FAST
@given(st.data(), NOISY_ARTICLES)
def test_fingerprint_equal_iff_normalised_fields_equal(
    data: st.DataObject, old: ArticleContent
) -> None:
    new = data.draw(st.one_of(_edited(old), NOISY_ARTICLES))
    same_fields = normalised_fields(old) == normalised_fields(new)
    assert (fingerprint(old) == fingerprint(new)) == same_fields


@FAST
@given(st.data(), NOISY_ARTICLES)
def test_diff_is_empty_iff_fingerprints_equal(
    data: st.DataObject, old: ArticleContent
) -> None:
    new = data.draw(_edited(old))
    same = fingerprint(old) == fingerprint(new)
    report = diff_contents(old, replace(new, modified_at=old.modified_at))
    assert report.is_empty == same
    moved_date = diff_contents(old, replace(new, modified_at="2030-01-01"))
    if same and old.modified_at != "2030-01-01":
        assert moved_date.kinds == ("metadata_only",)
    else:
        assert moved_date.kinds == report.kinds


@FAST
@given(st.data(), NOISY_ARTICLES)
def test_reports_are_well_formed_and_round_trip(
    data: st.DataObject, old: ArticleContent
) -> None:
    new = data.draw(st.one_of(_edited(old), NOISY_ARTICLES))
    report = diff_contents(old, new)
    assert 0.0 <= report.significance <= 1.0
    assert list(report.kinds) == [k for k in KIND_ORDER if k in report.kinds]
    assert report.is_empty == (report.summary == "no change")
    assert ChangeReport.from_dict(json.loads(json.dumps(report.to_dict()))) == report


@FAST
@given(st.data(), CLEAN_ARTICLES)
def test_every_paragraph_is_accounted_for_once(
    data: st.DataObject, old: ArticleContent
) -> None:
    new = data.draw(_edited(old))
    rows = diff_contents(old, new).body
    assert sorted(r.old_index for r in rows if r.old_index is not None) == [
        i for i, p in enumerate(old.body) if normalise_text(p)
    ]
    assert [r.new_index for r in rows if r.new_index is not None] == [
        i for i, p in enumerate(new.body) if normalise_text(p)
    ]


def _longest_increasing(seq: list[int]) -> int:
    best = [1] * len(seq)
    for i in range(len(seq)):
        for j in range(i):
            if seq[j] < seq[i]:
                best[i] = max(best[i], best[j] + 1)
    return max(best, default=0)


@FAST
@given(st.permutations(list(range(9))))
def test_moves_are_the_fewest_that_restore_the_order(order: list[int]) -> None:
    paragraphs = [
        f"Paragraph {i} about brigade {i * 7} and the {i}th corps." for i in range(9)
    ]
    old = ArticleContent(body=tuple(paragraphs))
    new = ArticleContent(body=tuple(paragraphs[i] for i in order))
    report = diff_contents(old, new)
    assert report.paragraphs_moved == 9 - _longest_increasing(order)
    assert (
        report.paragraphs_added,
        report.paragraphs_removed,
        report.paragraphs_edited,
    ) == (0, 0, 0)


_HOSTILE = st.text(
    alphabet=st.sampled_from(list("<>&\"' ascriptX/=")), min_size=1, max_size=30
)
_OUR_TAGS = re.compile(r"</?(?:div|p|span|ins|del)(?: [a-z-]+=\"[^\"<>]*\")*>")


@FAST
@given(_HOSTILE, _HOSTILE, _HOSTILE)
def test_html_never_passes_markup_through(title: str, body: str, author: str) -> None:
    old = ArticleContent(title="t", body=("b",), authors=("a",))
    new = ArticleContent(
        title=title, body=(body,), authors=(author,), standfirst=(body,)
    )
    for page in (render_html(old, new), render_html(new, old)):
        assert "<" not in _OUR_TAGS.sub("", page)
        assert ">" not in _OUR_TAGS.sub("", page)

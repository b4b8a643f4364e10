"""What a person reads: the unified text diff and the HTML diff."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest

from monitor.diffing import (
    ArticleContent,
    ChangeReport,
    diff_contents,
    render_html,
    render_word_diff,
)


@pytest.fixture
def edited(kharkiv: ArticleContent) -> ArticleContent:
    body = list(kharkiv.body)
    body[0] = body[0].replace("killed 300", "killed 350")
    body[4], body[5] = body[5], body[4]
    del body[6]
    body.append("Correction: The governor's name was misspelt.")
    return replace(kharkiv, title=kharkiv.title.replace("300", "350"), body=tuple(body))


def test_unified_diff_marks_each_change(
    kharkiv: ArticleContent, edited: ArticleContent
) -> None:
    lines = diff_contents(kharkiv, edited).unified.splitlines()
    assert lines[:2] == ["--- before", "+++ after"]
    assert lines[2:5] == [
        "@@ headline @@",
        "-Russian strikes on Kharkiv kill 300, officials say",
        "+Russian strikes on Kharkiv kill 350, officials say",
    ]
    assert "@@ body -1 +1 edited @@" in lines
    assert "@@ body -5 +6 moved @@" in lines
    moved = lines[lines.index("@@ body -5 +6 moved @@") + 1]
    assert moved.startswith("~In Washington, the Pentagon")
    removed = lines[lines.index("@@ body -7 removed @@") + 1]
    assert removed.startswith("-Moscow said")
    assert lines[-2:] == [
        "@@ body +8 added @@",
        "+Correction: The governor's name was misspelt.",
    ]


def test_unified_diff_keeps_one_line_per_paragraph(kharkiv: ArticleContent) -> None:
    sneaky = "Officials said\n+300 more were hurt\n@@ body +1 added @@"
    report = diff_contents(kharkiv, replace(kharkiv, body=(*kharkiv.body, sneaky)))
    assert (
        report.unified.splitlines()[-1]
        == "+Officials said +300 more were hurt @@ body +1 added @@"
    )


def test_metadata_only_unified(kharkiv: ArticleContent) -> None:
    report = diff_contents(
        kharkiv, replace(kharkiv, modified_at="2024-05-15T00:00:00Z")
    )
    assert report.unified.splitlines()[2:] == [
        "@@ modified_at @@",
        "-2024-05-14T08:00:00Z",
        "+2024-05-15T00:00:00Z",
    ]


def test_html_marks_words_moves_and_paragraphs(
    kharkiv: ArticleContent, edited: ArticleContent
) -> None:
    page = render_html(diff_contents(kharkiv, edited))
    assert page.startswith('<div class="dw-diff">') and page.endswith("</div>")
    assert (
        "killed <del" in page
        and ">300</del> <ins" in page
        and ">350</ins> people" in page
    )
    assert '<p class="dw-para dw-equal dw-moved"' in page
    assert "[moved from ¶5]" in page
    assert '<p class="dw-para dw-removed"><del' in page
    assert '<p class="dw-para dw-added"><ins' in page
    assert "Correction: The governor&#x27;s name was misspelt." in page


def test_html_from_two_versions_equals_html_from_report(
    kharkiv: ArticleContent, edited: ArticleContent
) -> None:
    assert render_html(kharkiv, edited) == render_html(diff_contents(kharkiv, edited))


def test_html_folds_unchanged_paragraphs(kharkiv: ArticleContent) -> None:
    body = (*kharkiv.body[:-1], kharkiv.body[-1].replace("oil refinery", "fuel depot"))
    report = diff_contents(kharkiv, replace(kharkiv, body=body))
    folded = render_html(report)
    assert folded.count('class="dw-para') == 2  # the edit and one paragraph of context
    assert folded.count('class="dw-skip"') == 1
    full = render_html(report, context=None)
    assert full.count('class="dw-para') == len(body)
    assert "dw-skip" not in full


def test_html_escapes_article_text(kharkiv: ArticleContent) -> None:
    hostile = ArticleContent(
        title='<img src=x onerror="alert(1)">',
        authors=("<b>Eve</b>",),
        standfirst=("Tom & Jerry's <i>war</i>",),
        body=(*kharkiv.body[:2], "<script>alert('x')</script> said 300 & more"),
    )
    benign = replace(kharkiv, title="Title", authors=("Eve",), standfirst=("Tom",))
    for page in (render_html(benign, hostile), render_html(hostile, benign)):
        assert "<script>" not in page
        assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page
        assert (
            "<img" not in page
            and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
        )
        assert "<b>" not in page and "&lt;b&gt;Eve&lt;/b&gt;" in page
        assert "<i>" not in page


def test_report_survives_json_round_trip(
    kharkiv: ArticleContent, edited: ArticleContent
) -> None:
    report = diff_contents(kharkiv, edited)
    data = json.loads(json.dumps(report.to_dict()))
    assert data["schema"] == 1
    assert data["numbers"] == {"before": ["300", "300"], "after": ["350", "350"]}
    assert data["paragraphs"] == {"added": 1, "removed": 1, "edited": 1, "moved": 1}
    rebuilt = ChangeReport.from_dict(data)
    assert rebuilt == report
    assert render_html(rebuilt) == render_html(report)


@pytest.mark.parametrize(
    ("path", "bad", "message"),
    [
        (("schema",), 2, "schema"),
        (("kinds",), "headline", "kinds"),
        (("words", "added"), "3", "words.added"),
        (("body", 0, "status"), "mangled", "body[0].status"),
        (("body", 0, "words"), [["equal", "x"]], "body[0].words"),
        (("title",), None, "title"),
    ],
)
def test_from_dict_names_the_bad_key(
    kharkiv: ArticleContent,
    edited: ArticleContent,
    path: tuple[object, ...],
    bad: object,
    message: str,
) -> None:
    data = json.loads(json.dumps(diff_contents(kharkiv, edited).to_dict()))
    target = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    with pytest.raises(
        ValueError, match=message.replace("[", r"\[").replace("]", r"\]")
    ):
        ChangeReport.from_dict(data)


def test_word_diff_is_compact_for_chat(
    kharkiv: ArticleContent, edited: ArticleContent
) -> None:
    lines = render_word_diff(diff_contents(kharkiv, edited)).splitlines()
    assert (
        lines[0]
        == "headline: Russian strikes on Kharkiv kill [-300,-] {+350,+} officials say"
    )
    assert lines[1] == (
        "¶1: … missile and drone strikes on Kharkiv overnight killed [-300-] {+350+} "
        "people and wounded more than 1,200, regional governor …"
    )
    assert lines[2].startswith("¶7 removed: [-Moscow said")
    assert lines[3].startswith("¶5→6 moved: ~In Washington")
    assert lines[4] == "¶8 added: {+Correction: The governor's name was misspelt.+}"
    assert render_word_diff(diff_contents(kharkiv, kharkiv)) == ""

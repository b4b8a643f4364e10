"""Realistic edits to a defence-news article and how the diff classifies them."""

from __future__ import annotations

from dataclasses import replace

from monitor.diffing import ArticleContent, diff_contents, fingerprint


def _with_paragraph(article: ArticleContent, index: int, text: str) -> ArticleContent:
    body = list(article.body)
    body[index] = text
    return replace(article, body=tuple(body))


def test_one_word_changed_is_one_paragraph_edited(kharkiv: ArticleContent) -> None:
    edited = _with_paragraph(kharkiv, 6, kharkiv.body[6].replace("denied", "rejected"))
    report = diff_contents(kharkiv, edited)
    assert report.kinds == ("paragraphs_edited",)
    assert report.summary == "1 paragraph edited"
    assert (report.words_added, report.words_removed) == (1, 1)
    assert report.paragraphs_edited == 1
    [row] = [r for r in report.body if r.status == "edited"]
    assert [(op.tag, op.old, op.new) for op in row.words if op.tag != "equal"] == [
        ("delete", "denied", ""),
        ("insert", "", "rejected"),
    ]
    assert 0 < report.significance < 0.3


def test_casualty_count_changed_lists_the_numbers(kharkiv: ArticleContent) -> None:
    edited = _with_paragraph(
        kharkiv, 0, kharkiv.body[0].replace("killed 300", "killed 350")
    )
    report = diff_contents(kharkiv, edited)
    assert report.kinds == ("numbers", "paragraphs_edited")
    assert report.kind == "numbers"
    assert (report.numbers_before, report.numbers_after) == (("300",), ("350",))
    assert report.summary == "1 paragraph edited; numbers changed (300 → 350)"
    word_only = diff_contents(
        kharkiv,
        _with_paragraph(kharkiv, 0, kharkiv.body[0].replace("overnight", "at night")),
    )
    assert report.significance > word_only.significance + 0.2


def test_thousands_separator_is_not_a_number_change(kharkiv: ArticleContent) -> None:
    edited = _with_paragraph(
        kharkiv, 0, kharkiv.body[0].replace("1,200", "1200 people")
    )
    report = diff_contents(kharkiv, edited)
    assert "numbers" not in report.kinds
    assert report.kinds == ("paragraphs_edited",)


def test_headline_and_body_number_change_summarised_once(
    kharkiv: ArticleContent,
) -> None:
    edited = replace(
        _with_paragraph(
            kharkiv, 0, kharkiv.body[0].replace("killed 300", "killed 350")
        ),
        title=kharkiv.title.replace("300", "350"),
    )
    report = diff_contents(kharkiv, edited)
    assert report.kinds == ("headline", "numbers", "paragraphs_edited")
    assert (
        report.summary
        == "headline changed; 1 paragraph edited; numbers changed (300 → 350)"
    )
    assert report.significance >= 0.5


def test_paragraph_added(kharkiv: ArticleContent) -> None:
    new_text = "Britain said it would send a further 100 Storm Shadow missiles."
    edited = replace(kharkiv, body=(*kharkiv.body[:5], new_text, *kharkiv.body[5:]))
    report = diff_contents(kharkiv, edited)
    assert report.kinds == ("paragraphs_added",)
    assert report.summary == "1 paragraph added"
    assert report.words_added == len(new_text.split())
    [row] = [r for r in report.body if r.status != "equal"]
    assert (row.status, row.new_index, row.new_text) == ("added", 5, new_text)


def test_paragraph_removed(kharkiv: ArticleContent) -> None:
    edited = replace(kharkiv, body=kharkiv.body[:6] + kharkiv.body[7:])
    report = diff_contents(kharkiv, edited)
    assert report.kinds == ("paragraphs_removed",)
    assert report.summary == "1 paragraph removed"
    [row] = [r for r in report.body if r.status != "equal"]
    assert (row.status, row.old_index) == ("removed", 6)
    assert "denied targeting civilians" in row.old_text
    # the removed paragraph is shown where it stood
    assert [r.old_index for r in report.body] == list(range(len(kharkiv.body)))


def test_two_paragraphs_swapped_is_one_move(kharkiv: ArticleContent) -> None:
    body = list(kharkiv.body)
    body[4], body[5] = body[5], body[4]
    report = diff_contents(kharkiv, replace(kharkiv, body=tuple(body)))
    assert report.kinds == ("paragraphs_moved",)
    assert report.paragraphs_moved == 1
    assert report.summary == "1 paragraph moved"
    assert (report.words_added, report.words_removed) == (0, 0)
    [moved] = [r for r in report.body if r.moved]
    assert moved.status == "equal"
    # the shorter paragraph (Pentagon, 20 words) moves, the longer one stays
    assert (moved.old_index, moved.new_index) == (4, 5)


def test_paragraph_moved_far_and_edited(kharkiv: ArticleContent) -> None:
    moved_text = kharkiv.body[1].replace("29 of the 47", "31 of the 47")
    body = (kharkiv.body[0], *kharkiv.body[2:], moved_text)
    report = diff_contents(kharkiv, replace(kharkiv, body=body))
    assert report.kinds == ("numbers", "paragraphs_edited", "paragraphs_moved")
    assert (report.paragraphs_edited, report.paragraphs_moved) == (1, 1)
    assert (report.paragraphs_added, report.paragraphs_removed) == (0, 0)
    [row] = [r for r in report.body if r.moved]
    assert (row.status, row.old_index, row.new_index) == ("edited", 1, 7)
    lines = report.unified.splitlines()
    at = lines.index("@@ body -2 +8 moved, edited @@")
    assert lines[at + 1].startswith(
        "-The Ukrainian air force said it shot down 29 of the 47"
    )
    assert lines[at + 2].startswith(
        "+The Ukrainian air force said it shot down 31 of the 47"
    )


def test_headline_changed(kharkiv: ArticleContent) -> None:
    edited = replace(kharkiv, title="Deadliest strikes on Kharkiv in months kill 300")
    report = diff_contents(kharkiv, edited)
    assert report.kinds == ("headline",)
    assert report.summary == "headline changed"
    assert report.old_title == kharkiv.title
    assert report.new_title == edited.title
    assert report.significance >= 0.5


def test_standfirst_changed(kharkiv: ArticleContent) -> None:
    edited = replace(kharkiv, standfirst=("Air defences ran short of interceptors.",))
    report = diff_contents(kharkiv, edited)
    assert report.kinds == ("standfirst",)
    assert report.summary == "standfirst changed"


def test_correction_appended_as_paragraph(kharkiv: ArticleContent) -> None:
    notice = (
        "Correction: An earlier version of this article misstated the number of drones "
        "launched. It was 75, not 57."
    )
    report = diff_contents(kharkiv, replace(kharkiv, body=(*kharkiv.body, notice)))
    assert report.kinds[:2] == ("correction", "paragraphs_added")
    assert report.kind == "correction"
    assert report.corrections == (
        "Correction: An earlier version of this article misstated the number of drones launched.",
    )
    assert report.summary == "correction added; 1 paragraph added"


def test_update_notice_appended_to_last_paragraph(kharkiv: ArticleContent) -> None:
    last = (
        kharkiv.body[-1]
        + " Update: This story has been updated with the Russian response."
    )
    report = diff_contents(kharkiv, _with_paragraph(kharkiv, 7, last))
    assert report.kind == "correction"
    assert report.corrections == (
        "Update: This story has been updated with the Russian response.",
    )


def test_each_notice_style_is_recognised(kharkiv: ArticleContent) -> None:
    notices = [
        "CORRECTION (May 15): The governor's name was misspelt.",
        "Clarification: The refinery is in Belgorod region, not city.",
        "Editor's note: This article has been amended to remove a name.",
        "Editor’s Note: Names have been withheld at the family’s request.",
        "This article has been updated to include comment from the Kremlin.",
        "An earlier version of this article said the strikes took place on Monday.",
        "UPDATE 2 - Adds casualty figures from the regional administration.",
        "Updated: adds NATO statement",
    ]
    for notice in notices:
        report = diff_contents(kharkiv, replace(kharkiv, body=(*kharkiv.body, notice)))
        assert report.kind == "correction", notice


def test_ordinary_update_word_is_not_a_correction(kharkiv: ArticleContent) -> None:
    text = "Officials will give an update on the casualty figures on Wednesday."
    report = diff_contents(kharkiv, replace(kharkiv, body=(*kharkiv.body, text)))
    assert report.kinds == ("paragraphs_added",)


def test_existing_correction_is_not_reported_again(kharkiv: ArticleContent) -> None:
    notice = "Correction: The drone count was 75."
    before = replace(kharkiv, body=(*kharkiv.body, notice))
    after = _with_paragraph(
        before, 0, before.body[0].replace("Tuesday", "Tuesday morning")
    )
    assert diff_contents(before, after).kinds == ("paragraphs_edited",)


def test_byline_changed(kharkiv: ArticleContent) -> None:
    report = diff_contents(kharkiv, replace(kharkiv, authors=("Anna Kovalenko",)))
    assert report.kinds == ("byline",)
    assert report.summary == "byline changed"
    assert report.new_authors == ("Anna Kovalenko",)


def test_metadata_only(kharkiv: ArticleContent) -> None:
    touched = replace(kharkiv, modified_at="2024-05-14T09:30:00Z")
    assert fingerprint(touched) == fingerprint(kharkiv)
    report = diff_contents(kharkiv, touched)
    assert report.kinds == ("metadata_only",)
    assert not report.is_empty
    assert not report.text_changed
    assert report.significance == 0.0
    assert report.summary == "only the modified date changed"


def test_identical_versions_give_an_empty_report(kharkiv: ArticleContent) -> None:
    report = diff_contents(kharkiv, kharkiv)
    assert report.is_empty
    assert (report.kind, report.summary, report.unified) == ("none", "no change", "")


def test_names_touched_raise_significance(kharkiv: ArticleContent) -> None:
    name = _with_paragraph(
        kharkiv, 5, kharkiv.body[5].replace("Mark Rutte", "Jens Stoltenberg")
    )
    plain = _with_paragraph(
        kharkiv, 5, kharkiv.body[5].replace("further support", "more aid")
    )
    name_report, plain_report = (
        diff_contents(kharkiv, name),
        diff_contents(kharkiv, plain),
    )
    assert name_report.names == ("Mark", "Rutte", "Jens", "Stoltenberg")
    assert plain_report.names == ()
    assert name_report.significance > plain_report.significance


def test_kinds_follow_the_fixed_priority_order(kharkiv: ArticleContent) -> None:
    body = list(kharkiv.body)
    body[0] = body[0].replace("300", "350")
    body[3], body[4] = body[4], body[3]
    del body[6]
    edited = ArticleContent(
        title=kharkiv.title + " (updated)",
        standfirst=("Air defences ran short.",),
        authors=("Anna Kovalenko",),
        body=(*body, "Correction: The governor's name was misspelt."),
    )
    report = diff_contents(kharkiv, edited)
    assert report.kinds == (
        "headline",
        "correction",
        "numbers",
        "standfirst",
        "paragraphs_removed",
        "paragraphs_added",
        "paragraphs_edited",
        "paragraphs_moved",
        "byline",
    )


def test_rewritten_paragraph_is_removed_plus_added(kharkiv: ArticleContent) -> None:
    rewritten = (
        "Kremlin spokesman Dmitry Peskov declined to comment on the casualty figures."
    )
    report = diff_contents(kharkiv, _with_paragraph(kharkiv, 6, rewritten))
    assert report.kinds == ("paragraphs_removed", "paragraphs_added")
    statuses = [r.status for r in report.body if r.status != "equal"]
    assert statuses == ["removed", "added"]


def test_date_changes_count_as_numbers(kharkiv: ArticleContent) -> None:
    report = diff_contents(
        kharkiv,
        _with_paragraph(kharkiv, 0, kharkiv.body[0].replace("on Tuesday", "on Monday")),
    )
    assert report.kinds == ("numbers", "paragraphs_edited")
    assert (report.numbers_before, report.numbers_after) == (("Tuesday",), ("Monday",))
    may = "The package was first announced on May 14 at the Pentagon."
    before = replace(kharkiv, body=(*kharkiv.body, may))
    after = _with_paragraph(before, 8, may.replace("May 14", "May 15"))
    assert diff_contents(before, after).numbers_after == ("15",)
    undated = _with_paragraph(
        before, 8, "The package was first announced at the Pentagon."
    )
    assert diff_contents(before, undated).numbers_before == ("May", "14")
    hedged = _with_paragraph(before, 8, may + " May allies hesitate?")
    assert "numbers" not in diff_contents(before, hedged).kinds


def test_numbers_written_as_words_are_number_changes():
    from monitor.diffing import ArticleContent, diff_contents

    old = ArticleContent(
        body=("The programme has been delayed by two years, officials said.",)
    )
    new = ArticleContent(
        body=("The programme has been delayed by three years, officials said.",)
    )
    report = diff_contents(old, new)
    assert "numbers" in report.kinds
    assert "two → three" in report.summary
    pronoun = ArticleContent(
        body=("One expert said the delay was expected by analysts.",)
    )
    reworded = ArticleContent(
        body=("One analyst said the delay was expected by analysts.",)
    )
    assert "numbers" not in diff_contents(pronoun, reworded).kinds

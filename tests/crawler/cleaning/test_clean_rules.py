"""Boilerplate rules are data: packaged TOML files plus user folders, each rule with a why."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.cleaning import (
    RuleError,
    clean_html,
    clean_text,
    learn_boilerplate,
    load_rules,
)
from crawler.cleaning.rules import PACKAGED_RULES, default_rules

ARTICLE = """<html><head><title>Radar contract awarded</title></head><body>
<div class="page has-sidebar comments-enabled">
<article>
<h1>Radar contract awarded</h1>
<p>The air force has awarded a contract for twelve long-range surveillance radars that will
replace systems installed in the 1990s along the northern border, the ministry said.</p>
<div class="strip" data-kind="house-ad">Defence Weekly: news you can trust since 1962</div>
<p>The radars will be built locally under licence, and the first two are due to enter service
in 2027 after a year of trials at the air force's test range in the south.</p>
<p>Officials said the new systems can track small drones and cruise missiles at low altitude,
a gap exposed by recent conflicts in Europe and the Middle East.</p>
</article></div></body></html>"""


def write_rule(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, "utf-8")
    return path


def test_every_packaged_rule_says_why() -> None:
    files = sorted(PACKAGED_RULES.glob("*.toml"))
    assert files, "rule files must ship inside the crawler package"
    default_rules()  # loading validates every rule, including its why


def test_a_wrapper_with_chrome_words_in_its_classes_is_not_deleted() -> None:
    article = clean_html(ARTICLE)
    assert article.failure is None
    assert len(article.body) >= 3
    assert "twelve long-range surveillance radars" in article.text


def test_user_site_rule_applies_to_its_domain_only(tmp_path: Path) -> None:
    write_rule(
        tmp_path,
        "defence-weekly.toml",
        """
[site]
name = "Defence Weekly"
domains = ["defenceweekly.example"]

[[drop]]
attributes = { data-kind = ["house-ad"] }
why = "house ads for the magazine between paragraphs"
""",
    )
    rules = load_rules([tmp_path])
    on_site = clean_html(ARTICLE, "https://www.defenceweekly.example/a/1", rules=rules)
    elsewhere = clean_html(ARTICLE, "https://other.example/a/1", rules=rules)
    assert "news you can trust" not in on_site.text
    assert "news you can trust" in elsewhere.text


def test_user_line_pattern(tmp_path: Path) -> None:
    write_rule(
        tmp_path,
        "slogan.toml",
        """
[[line]]
patterns = ['defence weekly: news you can trust since \\d{4}']
why = "the magazine's slogan repeated in every article"
""",
    )
    article = clean_html(ARTICLE, rules=load_rules([tmp_path]))
    assert "news you can trust" not in article.text
    assert "Defence Weekly: news you can trust since 1962" in article.removed


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[drop]]\ntokens = ["promo"]\n', "why"),
        ('[[line]]\npatterns = ["("]\nwhy = "x"\n', "invalid pattern"),
        ('[[drop]]\nxpath = ["//*["]\nwhy = "x"\n', "invalid xpath"),
        ('[[drop]]\ntokens = ["a"]\nwhy = "x"\n', "two characters"),
        ("[site]\nname = 'x'\n", "domains"),
        ("not toml at all = = =", "cannot read rule file"),
    ],
)
def test_invalid_rule_files_are_reported(
    tmp_path: Path, text: str, message: str
) -> None:
    path = write_rule(tmp_path, "bad.toml", text)
    with pytest.raises(RuleError, match=message) as caught:
        load_rules([tmp_path])
    assert str(path) in str(caught.value) or message == "cannot read rule file"


def test_missing_rule_folder_is_reported(tmp_path: Path) -> None:
    with pytest.raises(RuleError, match="does not exist"):
        load_rules([tmp_path / "nope"])


def test_a_rule_removing_most_of_the_article_is_a_failure(tmp_path: Path) -> None:
    write_rule(
        tmp_path,
        "greedy.toml",
        """
[[line]]
patterns = ['.*(?:said|south|east)\\.']
why = "a careless rule a user might write"
""",
    )
    article = clean_html(ARTICLE, rules=load_rules([tmp_path]))
    assert article.failure is not None
    assert "most of the article" in article.failure


def test_learn_boilerplate_finds_lines_repeated_across_articles() -> None:
    slogan = "Defence Weekly: news you can trust since 1962"
    docs = [
        [
            f"Story {n} opens with its own first paragraph.",
            slogan,
            f"And ends with fact {n}.",
        ]
        for n in range(10)
    ]
    docs += [[f"Article {n} without the slogan."] for n in range(5)]
    assert learn_boilerplate(docs) == frozenset({slogan})


def test_learn_boilerplate_needs_enough_documents() -> None:
    docs = [["Same line everywhere."] for _ in range(4)]
    assert learn_boilerplate(docs, min_docs=5) == frozenset()
    assert learn_boilerplate(docs, min_docs=4) == frozenset({"Same line everywhere."})


def test_learn_boilerplate_respects_the_share() -> None:
    docs = [["Promo line."]] * 6 + [[f"Other {n}."] for n in range(14)]  # 30% carry it
    assert learn_boilerplate(docs, min_share=0.3) == frozenset({"Promo line."})
    assert learn_boilerplate(docs, min_share=0.5) == frozenset()


def test_learned_boilerplate_is_dropped_by_both_cleaners() -> None:
    learned = frozenset({"Defence Weekly: news you can trust since 1962"})
    assert (
        "news you can trust"
        not in clean_html(ARTICLE, learned_boilerplate=learned).text
    )
    text = (
        "Radar contract awarded\n\nThe air force has awarded a contract for twelve radars.\n\n"
        "Defence Weekly: news you can trust since 1962\n\nThe radars will be built locally."
    )
    cleaned = clean_text(text, learned_boilerplate=learned)
    assert cleaned.body == (
        "The air force has awarded a contract for twelve radars.",
        "The radars will be built locally.",
    )


def test_a_short_closing_sentence_is_article_text_not_edge_junk():
    from crawler.cleaning import clean_html

    long = (
        "The ministry of defence confirmed that the navy frigate programme continues, "
        "with sea trials of the new air-defence missile planned for spring."
    )
    html = (
        "<html><body><article><h1>Frigate trials</h1>"
        f"<p>{long}</p><p>{long.replace('spring', 'summer')}</p>"
        "<p>The trials were postponed after a fire.</p><p>Share this</p>"
        "</article></body></html>"
    )
    body = clean_html(html).body
    assert body[-1] == "The trials were postponed after a fire."
    assert "Share this" not in body


def test_a_number_404_in_a_headline_does_not_make_an_article_an_error_page():
    from crawler.cleaning import clean_html

    paragraphs = "".join(
        f"<p>Paragraph {i}: the navy said the Type 404 frigate completed its sea trials "
        "on schedule, with the new air-defence missile fired twice.</p>"
        for i in range(4)
    )
    page = (
        "<html><head><title>Type 404 frigate completes trials</title></head><body><article>"
        f"<h1>Type 404 frigate completes trials</h1>{paragraphs}</article></body></html>"
    )
    article = clean_html(page)
    assert article.failure is None
    assert len(article.body) == 4
    error = "<html><head><title>Error 404 - Not Found</title></head><body><p>Sorry.</p></body></html>"
    assert clean_html(error).failure is not None

"""Relevance to defence and security: defence news high, sport and cooking low."""

from __future__ import annotations

import pytest

from crawler.cleaning import CleanArticle
from crawler.relevance import DEFAULT_TERMS, RelevanceLexicon, score_relevance

DEFENCE = CleanArticle(
    title="Japan's defence white paper warns of China's growing military pressure",
    standfirst=(
        "Tokyo says PLA activity near its islands is a serious security concern.",
    ),
    body=(
        "Japan's Ministry of Defence published its annual white paper on Friday.",
        "It says the People's Liberation Army has increased naval drills and missile launches.",
        "The document calls for more spending on air defence and long-range missiles.",
        "Self-Defense Forces will expand cooperation with the US military and NATO partners.",
    ),
)
FOOTBALL = CleanArticle(
    title="United's defence holds firm in cup win",
    body=(
        "The home side kept a clean sheet as their defence dealt with every cross.",
        "The striker scored twice and the goalkeeper made three saves.",
        "Security staff cleared the pitch after fans ran on at the final whistle.",
    ),
)
COOKING = CleanArticle(
    title="How to make a perfect lemon tart",
    body=(
        "Blind-bake the pastry for fifteen minutes before adding the filling.",
        "Whisk eggs, sugar, cream and lemon juice, then bake until just set.",
    ),
)


def test_defence_article_scores_high_and_lists_its_terms() -> None:
    lexicon = RelevanceLexicon.default()
    result = score_relevance(DEFENCE, lexicon)
    assert result.score > 0.9
    assert lexicon.is_relevant(result)
    for term in (
        "military",
        "PLA",
        "ministry of defence",
        "missile",
        "NATO",
        "white paper",
    ):
        assert term in result.terms
    assert result.terms[0] in ("military", "defence", "defence white paper", "PLA")


@pytest.mark.parametrize("article", [FOOTBALL, COOKING])
def test_sport_and_cooking_score_low(article: CleanArticle) -> None:
    lexicon = RelevanceLexicon.default()
    result = score_relevance(article, lexicon)
    assert result.score < 0.35
    assert not lexicon.is_relevant(result)


def test_cooking_matches_nothing() -> None:
    assert score_relevance(COOKING, RelevanceLexicon.default()).terms == ()


def test_title_counts_more_than_body() -> None:
    lexicon = RelevanceLexicon(terms={"frigate": 3, "navy": 2, "army": 2})
    in_title = CleanArticle(title="Navy frigate army", body=("A ship sailed.",))
    in_body = CleanArticle(title="A ship sailed", body=("Navy frigate army.",))
    assert (
        score_relevance(in_title, lexicon).score
        > score_relevance(in_body, lexicon).score
    )


def test_repeating_a_term_has_diminishing_returns() -> None:
    lexicon = RelevanceLexicon(terms={"missile": 3, "navy": 2, "army": 2})
    tail = " navy army"
    once = score_relevance(CleanArticle(body=("missile" + tail,)), lexicon).score
    many = score_relevance(CleanArticle(body=("missile " * 50 + tail,)), lexicon).score
    headline = CleanArticle(
        title="missile", standfirst=("missile",), body=("missile" + tail,)
    )
    assert once < many < score_relevance(headline, lexicon).score < 1.0


def test_whole_words_plurals_and_acronym_case() -> None:
    lexicon = RelevanceLexicon(terms={"missile": 3, "PLA": 3, "fighter jet": 3})
    assert score_relevance(
        CleanArticle(body=("Missiles and fighter-jets",)), lexicon
    ).terms == (
        "fighter jet",
        "missile",
    )
    assert (
        score_relevance(CleanArticle(body=("A plan; a plaza; pla",)), lexicon).terms
        == ()
    )
    assert score_relevance(CleanArticle(body=("premissile",)), lexicon).terms == ()


def test_extended_adds_reweights_and_removes_terms() -> None:
    base = RelevanceLexicon.default()
    extended = base.extended({"Senkaku": 3, "security": 0}, threshold=0.7)
    assert extended.threshold == 0.7
    assert "Senkaku" in extended.terms and "security" not in extended.terms
    assert "security" in base.terms  # the original is unchanged
    article = CleanArticle(
        title="Senkaku patrols", body=("Coast guard ships near the Senkaku.",)
    )
    assert "Senkaku" in score_relevance(article, extended).terms


def test_default_lexicon_is_a_real_lexicon() -> None:
    assert len(DEFAULT_TERMS) >= 80
    assert sum(1 for term in DEFAULT_TERMS if " " in term) >= 20
    with pytest.raises(ValueError, match="threshold"):
        RelevanceLexicon(terms={"navy": 1}, threshold=1.5)

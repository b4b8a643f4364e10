"""Relevance to defence and security: defence news high, sport and cooking low."""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

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


def test_every_whole_word_match_in_the_body_counts() -> None:
    lexicon = RelevanceLexicon(terms={"missile": 3, "air force": 2, "Zürich": 1})

    def scored(*body: str) -> tuple[float, tuple[str, ...]]:
        result = score_relevance(CleanArticle(body=body), lexicon)
        return result.score, result.terms

    # Plurals, any case, repeats side by side and across paragraphs; not inside other words.
    assert scored(
        "Missiles, missile—MISSILE", "missilees premissile missiled"
    ) == scored("missile missile missile missile")
    # Spaces and hyphens join the words of a term; other punctuation does not.
    assert scored("air force air-force Air  Forces airforce air, force") == scored(
        "air force air force air force"
    )
    assert scored("Zürich ZÜRICH zürichs Zürichsee") == scored("zürich zürich zürich")


def test_a_word_and_its_plural_can_both_be_terms() -> None:
    lexicon = RelevanceLexicon(terms={"drill": 1, "drills": 2})
    result = score_relevance(CleanArticle(title="Navy drills"), lexicon)
    assert result.terms == ("drills", "drill")


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


# Properties for any article built from lexicon terms, their plurals and case variants,
# other words and punctuation (hypothesis).
FAST = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
_TERMS = sorted(DEFAULT_TERMS)
_PIECES = st.one_of(
    st.sampled_from(_TERMS),
    st.sampled_from(_TERMS).map(lambda term: f"{term}s"),
    st.sampled_from(_TERMS).map(str.upper),
    st.sampled_from(_TERMS).map(str.title),
    st.sampled_from(_TERMS).map(lambda term: term.replace(" ", "-")),
    st.sampled_from(_TERMS).map(lambda term: f"pre{term}"),
    st.sampled_from(["the", "Nato", "pla", "plan", "football", "’s", "Zürich", "2026"]),
    st.sampled_from([",", ".", " — ", "\n", "(", ")", '"', "-"]),
)
_TEXT = st.lists(_PIECES, max_size=30).map(" ".join)
_ARTICLES = st.builds(
    CleanArticle,
    title=_TEXT,
    standfirst=st.lists(_TEXT, max_size=2).map(tuple),
    body=st.lists(_TEXT, max_size=5).map(tuple),
)


def _found_in(term: str, article: CleanArticle) -> bool:
    """The term is in the article as a whole word, maybe plural, in any case unless an acronym."""
    words = r"[\s\-]+".join(re.escape(word) for word in re.split(r"[\s-]+", term))
    pattern = re.compile(
        rf"(?<!\w){words}(?:e?s)?(?!\w)", 0 if term.isupper() else re.IGNORECASE
    )
    text = "\n".join((article.title, *article.standfirst, *article.body))
    return pattern.search(text) is not None


@FAST
@given(article=_ARTICLES)
def test_every_reported_term_is_in_the_article(article: CleanArticle) -> None:
    result = score_relevance(article, RelevanceLexicon.default())
    assert 0.0 <= result.score <= 1.0
    assert len(set(result.terms)) == len(result.terms)
    for term in result.terms:
        assert _found_in(term, article), term


@FAST
@given(article=_ARTICLES, term=st.sampled_from(_TERMS))
def test_a_defence_term_in_the_title_never_lowers_the_score(
    article: CleanArticle, term: str
) -> None:
    lexicon = RelevanceLexicon.default()
    before = score_relevance(article, lexicon)
    headline = replace(article, title=f"{article.title} {term}")
    after = score_relevance(headline, lexicon)
    assert after.score >= before.score
    assert term in after.terms
    assert set(before.terms) <= set(after.terms)

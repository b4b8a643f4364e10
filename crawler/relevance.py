"""How much an article is about defence and security: a weighted lexicon matched against its text.

Public API::

    RelevanceLexicon(terms, threshold)         .default(), .extended(extra_terms, threshold=None)
    score_relevance(article, lexicon) -> Relevance(score, terms)
    lexicon.is_relevant(relevance) -> bool

Formula. For each lexicon term t of weight w_t, with n_t its matches in the body::

    raw   = sum_t  w_t * (3 * [t in title] + 2 * [t in standfirst] + log2(1 + n_t))
    score = breadth * (1 - exp(-raw / SCALE))          SCALE = 10
    breadth = 1 when two or more distinct terms matched, 0.5 when only one did

So the title counts three times and the standfirst twice; repeating a term in the body gives
diminishing returns (1, 1.58, 2, 2.32... for 1, 2, 3, 4 mentions); the score saturates towards 1
and one term alone (a football article's "defence") can never reach the default threshold (0.5).
A defence story with "missile" in the title and a few military terms in the body scores > 0.8.

Matching: whole words (a letter or digit never touches the match), a plain plural ("s"/"es")
allowed, spaces and hyphens interchangeable inside multi-word terms. A term written entirely in
capitals (an acronym: "PLA", "NATO") matches case-sensitively, so "pla" or "Nato" in other senses
do not count; other terms match in any case.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from crawler.cleaning import CleanArticle

SCALE = 10.0
DEFAULT_THRESHOLD = 0.5
_TITLE_WEIGHT = 3.0
_STANDFIRST_WEIGHT = 2.0
_SINGLE_TERM_BREADTH = 0.5

# The default lexicon: weight 3 for words that almost only occur in defence news, 2 for strong
# but broader ones, 1 for words that are often used outside defence ("security", "border").
# Ambiguous sports words ("attack", "defender", "striker", "shot") are left out on purpose.
DEFAULT_TERMS: Mapping[str, float] = {
    # institutions and forces
    "military": 2,
    "armed forces": 3,
    "army": 2,
    "navy": 2,
    "naval": 2,
    "air force": 2,
    "marines": 2,
    "coast guard": 1.5,
    "troops": 2,
    "soldier": 2,
    "defence": 2,
    "defense": 2,
    "ministry of defence": 3,
    "defence ministry": 3,
    "defense ministry": 3,
    "defence minister": 3,
    "defense minister": 3,
    "defense secretary": 3,
    "defence budget": 3,
    "defense budget": 3,
    "defence spending": 3,
    "defense spending": 3,
    "defence white paper": 3,
    "white paper": 1,
    "Pentagon": 3,
    "NATO": 3,
    "PLA": 3,
    "People's Liberation Army": 3,
    "Self-Defense Forces": 3,
    "IDF": 2,
    "IRGC": 3,
    # weapons and platforms
    "missile": 3,
    "ballistic missile": 3,
    "cruise missile": 3,
    "hypersonic": 3,
    "ICBM": 3,
    "warhead": 3,
    "nuclear weapon": 3,
    "warship": 3,
    "destroyer": 2,
    "frigate": 3,
    "aircraft carrier": 3,
    "submarine": 2,
    "fighter jet": 3,
    "stealth fighter": 3,
    "bomber": 2,
    "drone": 1.5,
    "UAV": 2,
    "artillery": 3,
    "howitzer": 3,
    "tank": 1,
    "armoured vehicle": 3,
    "armored vehicle": 3,
    "air defence": 3,
    "air defense": 3,
    "missile defence": 3,
    "missile defense": 3,
    "radar": 1.5,
    "munitions": 3,
    "ammunition": 2,
    "weapons": 1.5,
    "arms sale": 3,
    "arms race": 3,
    "arms control": 3,
    "arms deal": 3,
    "procurement": 1,
    "defence contractor": 3,
    "defense contractor": 3,
    # operations and strategy
    "military exercise": 3,
    "war games": 3,
    "drills": 1.5,
    "deployment": 1.5,
    "airstrike": 3,
    "air strike": 3,
    "combat": 2,
    "warfare": 3,
    "invasion": 2,
    "ceasefire": 2,
    "deterrence": 3,
    "deterrent": 2,
    "counterterrorism": 2,
    "insurgents": 2,
    "militants": 1.5,
    "geopolitical": 1,
    "national security": 2,
    "security": 1,
    "intelligence": 1,
    "espionage": 2,
    "cyberattack": 2,
    "territorial dispute": 2,
    "South China Sea": 2,
    "Taiwan Strait": 2,
    "sovereignty": 1,
    "border": 0.5,
}


@dataclass(frozen=True, slots=True)
class Relevance:
    """A relevance score in [0, 1] and the terms that matched, strongest first."""

    score: float
    terms: tuple[str, ...]


def _term_pattern(term: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in re.split(r"[\s-]+", term.strip()) if word]
    body = r"[\s\-]+".join(words)
    flags = 0 if term.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w]){body}(?:e?s)?(?![\w])", flags)


@dataclass(frozen=True, slots=True)
class RelevanceLexicon:
    """Weighted terms and the score from which an article counts as relevant."""

    terms: Mapping[str, float]
    threshold: float = DEFAULT_THRESHOLD
    _patterns: tuple[tuple[str, float, re.Pattern[str]], ...] = field(
        init=False, repr=False, compare=False
    )

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(
                f"relevance threshold must be within [0, 1], got {self.threshold}"
            )
        patterns = tuple(
            (term, float(weight), _term_pattern(term))
            for term, weight in self.terms.items()
            if weight > 0 and term.strip()
        )
        object.__setattr__(self, "_patterns", patterns)

    @classmethod
    def default(cls) -> RelevanceLexicon:
        """The built-in defence and security lexicon with the default threshold (0.5)."""
        return cls(terms=dict(DEFAULT_TERMS), threshold=DEFAULT_THRESHOLD)

    def extended(
        self, extra_terms: Mapping[str, float], threshold: float | None = None
    ) -> RelevanceLexicon:
        """A copy with ``extra_terms`` added or re-weighted (weight 0 removes a term)."""
        merged = {**self.terms, **extra_terms}
        terms = {term: weight for term, weight in merged.items() if weight > 0}
        return RelevanceLexicon(
            terms=terms, threshold=self.threshold if threshold is None else threshold
        )

    def is_relevant(self, relevance: Relevance) -> bool:
        """True when the score reaches the threshold."""
        return relevance.score >= self.threshold

    def matches(self) -> tuple[tuple[str, float, re.Pattern[str]], ...]:
        """(term, weight, compiled pattern) for every term."""
        return self._patterns


def score_relevance(article: CleanArticle, lexicon: RelevanceLexicon) -> Relevance:
    """Score ``article`` against ``lexicon`` (see the module docstring for the formula)."""
    title = article.title
    standfirst = "\n".join(article.standfirst)
    body = "\n".join(article.body)
    contributions: list[tuple[float, str]] = []
    for term, weight, pattern in lexicon.matches():
        in_title = _TITLE_WEIGHT if pattern.search(title) else 0.0
        in_standfirst = _STANDFIRST_WEIGHT if pattern.search(standfirst) else 0.0
        body_hits = sum(1 for _ in pattern.finditer(body))
        points = in_title + in_standfirst + math.log2(1 + body_hits)
        if points > 0:
            contributions.append((weight * points, term))
    contributions.sort(key=lambda row: (-row[0], row[1]))
    raw = sum(value for value, _ in contributions)
    breadth = 1.0 if len(contributions) >= 2 else _SINGLE_TERM_BREADTH
    score = breadth * (1.0 - math.exp(-raw / SCALE)) if contributions else 0.0
    return Relevance(
        score=round(score, 4), terms=tuple(term for _, term in contributions)
    )

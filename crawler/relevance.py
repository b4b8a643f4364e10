"""How much an article is about defence and security: a weighted lexicon matched against its text.

Public API::

    RelevanceLexicon(terms, threshold)         .default(), .extended(extra_terms, threshold=None)
    score_relevance(article, lexicon) -> Relevance(score, terms)
    lexicon.is_relevant(relevance) -> bool

Formula. For each lexicon term t of weight w_t, with n_t its matches in the body::

    raw   = sum_t  w_t * (3 * [t in title] + 2 * [t in standfirst] + log2(1 + n_t))
    score = breadth * (1 - exp(-raw / SCALE))          SCALE = 10
    breadth = min(1, (strong + 0.5 * weak) / 3)
        strong / weak = how many distinct terms of weight >= 2 / < 2 matched

So the title counts three times and the standfirst twice; repeating a term in the body gives
diminishing returns (1, 1.58, 2, 2.32... for 1, 2, 3, 4 mentions); the score saturates towards 1;
and breadth asks for several different defence terms, so a football report that says "defence"
ten times (plus "security" once) stays well under the default threshold (0.5), while a defence
story with "missile" in the title and a few military terms in the body scores over 0.8.

Matching: whole words (a letter or digit never touches the match), a plain plural ("s"/"es")
allowed, spaces and hyphens interchangeable inside multi-word terms. A term written entirely in
capitals (an acronym: "PLA", "NATO") matches case-sensitively, so "pla" or "Nato" in other senses
do not count; other terms match in any case.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from crawler.cleaning import CleanArticle

SCALE = 10.0
DEFAULT_THRESHOLD = 0.5
_TITLE_WEIGHT = 3.0
_STANDFIRST_WEIGHT = 2.0
_STRONG_WEIGHT = 2.0  # terms at least this heavy count fully towards breadth
_WEAK_BREADTH = 0.5  # what a lighter, more ambiguous term counts towards breadth
_FULL_BREADTH_TERMS = 3.0  # distinct strong terms for full breadth

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
    "drone": 1,  # also photography drones and a music genre
    "drone strike": 3,
    "military drone": 3,
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
    "radar": 1,
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
    "troop deployment": 3,  # bare "deployment" is mostly software
    "military deployment": 3,
    "airstrike": 3,
    "air strike": 3,
    "combat": 1,  # also video games
    "combat aircraft": 3,
    "combat troops": 3,
    "warfare": 2,
    "naval warfare": 3,
    "electronic warfare": 3,
    "invasion": 1.5,
    "ceasefire": 2,
    "deterrence": 2,  # also home-security marketing
    "nuclear deterrent": 3,
    "deterrent": 1,
    "counterterrorism": 2,
    "insurgents": 2,
    "militants": 1.5,
    "geopolitical": 1,
    "national security": 2,
    "security": 1,
    "military intelligence": 3,  # bare "intelligence" is mostly artificial intelligence
    "intelligence agency": 2,
    "intelligence services": 2,
    "espionage": 2,
    "cyberattack": 1,
    "territorial dispute": 2,
    "South China Sea": 2,
    "Taiwan Strait": 2,
    "sovereignty": 0.5,
    "border": 0.5,
}


@dataclass(frozen=True, slots=True)
class Relevance:
    """A relevance score in [0, 1] and the terms that matched, strongest first."""

    score: float
    terms: tuple[str, ...]


_WORD = re.compile(r"\w+")


def _first_word(term: str) -> str:
    """The term's first word in lower case: a cheap pre-check before running its pattern."""
    found = _WORD.search(term)
    return found.group(0).lower() if found else ""


def _term_pattern(term: str) -> re.Pattern[str]:
    """Case-sensitive pattern, lower case unless an acronym; matched against lower-cased text.

    No look-behind at the start (it stops the regex engine's fast literal search, 30x slower):
    the word boundary before a match is checked in Python (_Field.starts).
    """
    source = term if term.isupper() else term.lower()
    words = [re.escape(word) for word in re.split(r"[\s-]+", source.strip()) if word]
    return re.compile(r"[\s\-]+".join(words) + r"(?:e?s)?(?!\w)")


@dataclass(frozen=True, slots=True)
class _Term:
    """A lexicon term ready to match: single words are counted from a word list, others by regex."""

    term: str
    weight: float
    pattern: re.Pattern[str]
    first: str  # first word in lower case
    words: tuple[str, ...]  # every word in lower case, for the cheap pre-check
    single: bool  # one word: body hits come from word counts, no regex scan
    acronym: bool  # all capitals: matched case-sensitively

    @classmethod
    def build(cls, term: str, weight: float) -> _Term:
        term = term.strip()
        return cls(
            term=term,
            weight=float(weight),
            pattern=_term_pattern(term),
            first=_first_word(term),
            words=tuple(w.lower() for w in _WORD.findall(term)),
            single=_WORD.fullmatch(term) is not None,
            acronym=term.isupper(),
        )


@dataclass(frozen=True, slots=True)
class RelevanceLexicon:
    """Weighted terms and the score from which an article counts as relevant."""

    terms: Mapping[str, float]
    threshold: float = DEFAULT_THRESHOLD
    _compiled: tuple[_Term, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(
                f"relevance threshold must be within [0, 1], got {self.threshold}"
            )
        compiled = tuple(
            _Term.build(term, weight)
            for term, weight in self.terms.items()
            if weight > 0 and term.strip()
        )
        object.__setattr__(self, "_compiled", compiled)

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

    def compiled(self) -> tuple[_Term, ...]:
        """Every term, ready to match."""
        return self._compiled


class _Field:
    """One field of the article (title, standfirst or body) in original and lower case."""

    def __init__(self, text: str, *, count_words: bool = False) -> None:
        self.text = text
        self.lower = text.lower()
        self.words = Counter(_WORD.findall(self.lower)) if count_words else Counter()
        self._exact: Counter[str] | None = None

    def starts(self, term: _Term) -> Iterator[int]:
        """Where the term starts as a whole word."""
        text = self.text if term.acronym else self.lower
        for match in term.pattern.finditer(text):
            start = match.start()
            if start == 0 or not _is_word_character(text[start - 1]):
                yield start

    def contains(self, term: _Term) -> bool:
        return next(self.starts(term), -1) >= 0

    def count(self, term: _Term) -> int:
        """Whole-word matches; single words come from the word counts (no regex scan)."""
        if not term.single or not self.words:
            return sum(1 for _ in self.starts(term))
        if term.acronym:
            if self._exact is None:
                self._exact = Counter(_WORD.findall(self.text))
            counts, word = self._exact, term.term
        else:
            counts, word = self.words, term.first
        return counts[word] + counts[f"{word}s"] + counts[f"{word}es"]


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"


def _may_occur(term: _Term, words: set[str]) -> bool:
    """Every word of the term occurs in the text (the last one maybe as a plural)."""
    *leading, last = term.words
    if not all(word in words for word in leading):
        return False
    return last in words or f"{last}s" in words or f"{last}es" in words


def score_relevance(article: CleanArticle, lexicon: RelevanceLexicon) -> Relevance:
    """Score ``article`` against ``lexicon`` (see the module docstring for the formula)."""
    title = _Field(article.title)
    standfirst = _Field("\n".join(article.standfirst))
    body = _Field("\n".join(article.body), count_words=True)
    # Words of the whole text: only terms whose words all occur are looked at further.
    words = set(_WORD.findall(f"{title.lower}\n{standfirst.lower}")) | body.words.keys()
    contributions: list[tuple[float, str]] = []
    breadth_points = 0.0
    for term in lexicon.compiled():
        if not term.words or not _may_occur(term, words):
            continue
        in_title = _TITLE_WEIGHT if title.contains(term) else 0.0
        in_standfirst = _STANDFIRST_WEIGHT if standfirst.contains(term) else 0.0
        body_hits = body.count(term)
        points = in_title + in_standfirst + math.log2(1 + body_hits)
        if points > 0:
            contributions.append((term.weight * points, term.term))
            breadth_points += 1.0 if term.weight >= _STRONG_WEIGHT else _WEAK_BREADTH
    contributions.sort(key=lambda row: (-row[0], row[1]))
    raw = sum(value for value, _ in contributions)
    breadth = min(1.0, breadth_points / _FULL_BREADTH_TERMS)
    score = breadth * (1.0 - math.exp(-raw / SCALE))
    return Relevance(
        score=round(score, 4), terms=tuple(term for _, term in contributions)
    )

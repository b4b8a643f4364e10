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
from collections.abc import Iterable, Iterator, Mapping
from collections.abc import Set as AbstractSet
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
_ASCII = bytes(range(0x80))


def _is_ascii_word_byte(byte: int) -> bool:
    return byte < 0x80 and (chr(byte).isalnum() or byte == ord("_"))


# bytes.translate tables: every byte that is not part of a word becomes a space.
_SEPARATE_ASCII = bytes(  # non-ASCII bytes are kept (all parts of words)
    byte if byte >= 0x80 or _is_ascii_word_byte(byte) else ord(" ")
    for byte in range(0x100)
)
_SEPARATE_AND_LOWER = bytes(  # non-ASCII bytes become spaces too (none part of words)
    ord(chr(byte).lower()) if _is_ascii_word_byte(byte) else ord(" ")
    for byte in range(0x100)
)
# One character, not a run: a pattern that starts with a set lets the engine skip fast.
_NON_ASCII_NON_WORD = re.compile(r"[^\x00-\x7f\w]")


def _utf8(text: str) -> bytes:
    return text.encode("utf-8", "surrogatepass")


def _separated(field: _Field) -> bytes:
    """The field's text in lower case and UTF-8, every non-word character made a space.

    Its words (``.split()``) are those of ``re.findall(r"\\w+", field.lower)``, found 3x
    cheaper. Non-ASCII characters are mostly punctuation (curly quotes, dashes, no-break
    spaces), and lower-casing never turns punctuation into a letter or digit (checked over
    all of Unicode): when all of them are, one byte table lower-cases and separates the
    words. Otherwise the lower-cased text has its non-ASCII punctuation replaced first.
    """
    data = _utf8(field.text)
    # Deleting the ASCII bytes leaves the other characters whole (UTF-8 never encodes a
    # character with ASCII bytes): if none of them is a word character, all words are ASCII.
    if data.isascii() or _WORD.search(_non_ascii(data)) is None:
        return data.translate(_SEPARATE_AND_LOWER)
    spaced = _NON_ASCII_NON_WORD.sub(" ", field.lower)
    return _utf8(spaced).translate(_SEPARATE_ASCII)


def _non_ascii(data: bytes) -> str:
    return data.translate(None, _ASCII).decode("utf-8", "surrogatepass")


def _is_word_character(character: str) -> bool:
    return character.isalnum() or character == "_"


def _pieces(term: str) -> list[str]:
    """The term's parts between spaces and hyphens, lower case unless an acronym."""
    source = term if term.isupper() else term.lower()
    return [word for word in re.split(r"[\s-]+", source.strip()) if word]


def _term_pattern(pieces: list[str]) -> re.Pattern[str]:
    """Case-sensitive pattern, lower case unless an acronym; matched against lower-cased text.

    No look-behind at the start (it stops the regex engine's fast literal search, 30x slower):
    the word boundary before a match is checked in Python (_Field._starts).
    """
    words = [re.escape(word) for word in pieces]
    return re.compile(r"[\s\-]+".join(words) + r"(?:e?s)?(?!\w)")


def _forms(word: str) -> tuple[bytes, ...]:
    """A word and its plain plurals, as words of the text are held (UTF-8)."""
    return (_utf8(word), _utf8(f"{word}s"), _utf8(f"{word}es"))


@dataclass(frozen=True, slots=True)
class _Term:
    """A lexicon term ready to match: single words are counted from the body's words."""

    term: str
    weight: float
    pattern: re.Pattern[str]
    prefix: str  # the pattern's literal start: a cheap substring check before the regex
    filed_under: tuple[bytes, ...]  # the first word, or a single word's forms (_Index)
    leading: frozenset[bytes]  # every word but the last, lower case: must all occur
    last: frozenset[bytes]  # the last word and its plurals, lower case: one must occur
    acronym: bool  # all capitals: matched case-sensitively
    counted: bool  # one word, any case: its matches are the text's words, no regex scan
    ascii: bool  # where it matches, the text has its words (a cheap check first)
    phrase: bytes  # several words: b" w1 w2 ...", to look for among the words in a row

    @classmethod
    def build(cls, term: str, weight: float) -> _Term:
        term = term.strip()
        pieces = _pieces(term)
        words = [word.lower() for word in _WORD.findall(term)]
        last = _forms(words[-1]) if words else ()
        return cls(
            term=term,
            weight=float(weight),
            pattern=_term_pattern(pieces),
            prefix=pieces[0] if pieces else "",
            filed_under=(_utf8(words[0]),) if len(words) > 1 else last,
            leading=frozenset(_utf8(word) for word in words[:-1]),
            last=frozenset(last),
            acronym=term.isupper(),
            counted=_WORD.fullmatch(term) is not None and not term.isupper(),
            ascii=term.isascii(),
            phrase=b" " + _utf8(" ".join(words)) if len(words) > 1 else b"",
        )

    def may_occur(self, words: AbstractSet[bytes]) -> bool:
        """Every word of the term is among ``words`` (the last maybe as a plural)."""
        return self.leading <= words and not self.last.isdisjoint(words)


@dataclass(frozen=True, slots=True)
class _Index:
    """Which terms a word of the text may start: only those are looked at further.

    A term of several words is filed under its first word, a single word under its forms.
    """

    terms: tuple[_Term, ...]
    by_word: Mapping[bytes, tuple[int, ...]]
    watched: frozenset[bytes]  # every word of every term, plurals of the last ones too

    @classmethod
    def build(cls, terms: tuple[_Term, ...]) -> _Index:
        by_word: dict[bytes, list[int]] = {}
        for position, term in enumerate(terms):
            for word in term.filed_under:
                by_word.setdefault(word, []).append(position)
        return cls(
            terms=terms,
            by_word={word: tuple(found) for word, found in by_word.items()},
            watched=frozenset().union(*(term.leading | term.last for term in terms)),
        )

    def candidates(self, present: Iterable[bytes]) -> list[_Term]:
        """Terms, in lexicon order, filed under a word ``present`` in the text."""
        positions: set[int] = set()
        for word in present:
            positions.update(self.by_word.get(word, ()))
        return [self.terms[position] for position in sorted(positions)]


@dataclass(frozen=True, slots=True)
class RelevanceLexicon:
    """Weighted terms and the score from which an article counts as relevant."""

    terms: Mapping[str, float]
    threshold: float = DEFAULT_THRESHOLD
    _index: _Index = field(init=False, repr=False, compare=False)

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
        object.__setattr__(self, "_index", _Index.build(compiled))

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

    def index(self) -> _Index:
        """The terms ready to match, filed by word to find those a text may contain."""
        return self._index


class _Field:
    """One field of the article (title, standfirst or body) and the lexicon words it has."""

    __slots__ = ("_counts", "_in_a_row", "_lower", "_words", "present", "text")

    def __init__(self, text: str, watched: frozenset[bytes]) -> None:
        self.text = text
        self._lower: str | None = None
        self._words = _separated(self).split()
        self.present = watched.intersection(self._words)
        self._counts: Counter[bytes] | None = None
        self._in_a_row = b""

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    def contains(self, term: _Term) -> bool:
        """Whether the term matches here (one whose words occur in the article)."""
        if term.counted:
            return not term.last.isdisjoint(self.present)
        return self._may_match(term) and next(self._starts(term), -1) >= 0

    def count(self, term: _Term) -> int:
        """Whole-word matches; a single word's are its words here, plurals included."""
        if term.counted:
            if term.last.isdisjoint(self.present):
                return 0
            if self._counts is None:
                self._counts = Counter(self._words)
            return sum(self._counts[form] for form in term.last)
        return sum(1 for _ in self._starts(term)) if self._may_match(term) else 0

    def _may_match(self, term: _Term) -> bool:
        """False when an ASCII term's words are not all here, in a row: no need for a regex."""
        if not term.ascii:
            return True
        if not term.may_occur(self.present):
            return False
        if not term.phrase:
            return True
        if not self._in_a_row:
            self._in_a_row = b" %b" % b" ".join(self._words)
        return term.phrase in self._in_a_row

    def _starts(self, term: _Term) -> Iterator[int]:
        """Where the term starts as a whole word."""
        text = self.text if term.acronym else self.lower
        first = text.find(term.prefix)  # no match can start earlier
        if first < 0:
            return
        for match in term.pattern.finditer(text, first):
            start = match.start()
            if start == 0 or not _is_word_character(text[start - 1]):
                yield start


def score_relevance(article: CleanArticle, lexicon: RelevanceLexicon) -> Relevance:
    """Score ``article`` against ``lexicon`` (see the module docstring for the formula)."""
    index = lexicon.index()
    title = _Field(article.title, index.watched)
    standfirst = _Field("\n".join(article.standfirst), index.watched)
    body = _Field("\n".join(article.body), index.watched)
    present = title.present | standfirst.present | body.present
    contributions: list[tuple[float, str]] = []
    breadth_points = 0.0
    for term in index.candidates(present):
        if not term.may_occur(present):
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

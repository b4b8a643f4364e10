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
from itertools import chain

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


def _forms(word: str) -> tuple[bytes, bytes, bytes]:
    """A word and its plain plurals, as words of the text are held (UTF-8)."""
    return (_utf8(word), _utf8(f"{word}s"), _utf8(f"{word}es"))


def _breadth(weight: float) -> float:
    """What a matching term counts towards breadth."""
    return 1.0 if weight >= _STRONG_WEIGHT else _WEAK_BREADTH


@dataclass(frozen=True, slots=True, eq=False)
class _WordTerm:
    """A term of one word, not an acronym (most of the lexicon): no regex, its matches are
    the words of the text that are one of its forms.

    Compared by identity (eq=False): an article's candidate terms are gathered in a set.
    """

    term: str
    weight: float
    breadth: float
    forms: tuple[bytes, bytes, bytes]  # the word, +"s", +"es": lower case, UTF-8


@dataclass(frozen=True, slots=True, eq=False)
class _PatternTerm:
    """Any other term (several words, an acronym, a word with a hyphen or an apostrophe):
    found by a regex, which runs only where the term's words all occur (_Field.contains).
    """

    term: str
    weight: float
    breadth: float
    pattern: re.Pattern[str]
    prefix: str  # the pattern's literal start: a cheap substring check before the regex
    filed_under: tuple[bytes, ...]  # the first word, or a single word's forms (_Index)
    leading: frozenset[bytes]  # every word but the last, lower case: must all occur
    last: frozenset[bytes]  # the last word and its plurals, lower case: one must occur
    acronym: bool  # all capitals: matched case-sensitively
    ascii: bool  # where it matches, the text has its words (a cheap check first)
    phrase: bytes  # several words: b" w1 w2 ...", to look for among the words in a row

    def may_occur(self, words: AbstractSet[bytes]) -> bool:
        """Every word of the term is among ``words`` (the last maybe as a plural)."""
        return self.leading <= words and not self.last.isdisjoint(words)


def _compile(term: str, weight: float) -> _WordTerm | _PatternTerm:
    """The lexicon term ready to match, a single word's when it is one."""
    term = term.strip()
    words = [word.lower() for word in _WORD.findall(term)]
    if _WORD.fullmatch(term) is not None and not term.isupper():
        return _WordTerm(term, float(weight), _breadth(weight), _forms(words[0]))
    pieces = _pieces(term)
    last = _forms(words[-1]) if words else ()
    return _PatternTerm(
        term=term,
        weight=float(weight),
        breadth=_breadth(weight),
        pattern=_term_pattern(pieces),
        prefix=pieces[0] if pieces else "",
        filed_under=(_utf8(words[0]),) if len(words) > 1 else last,
        leading=frozenset(_utf8(word) for word in words[:-1]),
        last=frozenset(last),
        acronym=term.isupper(),
        ascii=term.isascii(),
        phrase=b" " + _utf8(" ".join(words)) if len(words) > 1 else b"",
    )


@dataclass(frozen=True, slots=True)
class _Index:
    """The lexicon's terms filed by word: an article's candidates are those its words file.

    A single word is filed under each of its forms, any other term under its first word
    (a single-word acronym under its forms).
    """

    words: Mapping[bytes, tuple[_WordTerm, ...]]
    patterns: Mapping[bytes, tuple[_PatternTerm, ...]]
    watched: frozenset[bytes]  # every word of every term, plurals of the last ones too

    @classmethod
    def build(cls, terms: Iterable[_WordTerm | _PatternTerm]) -> _Index:
        words: dict[bytes, list[_WordTerm]] = {}
        patterns: dict[bytes, list[_PatternTerm]] = {}
        watched: set[bytes] = set()
        for term in terms:
            if isinstance(term, _WordTerm):
                for form in term.forms:
                    words.setdefault(form, []).append(term)
                watched.update(term.forms)
            else:
                for word in term.filed_under:
                    patterns.setdefault(word, []).append(term)
                watched.update(term.leading, term.last)
        return cls(
            words={form: tuple(found) for form, found in words.items()},
            patterns={word: tuple(found) for word, found in patterns.items()},
            watched=frozenset(watched),
        )

    def word_terms(self, present: AbstractSet[bytes]) -> set[_WordTerm]:
        """The single-word terms with a form among ``present``: each one matches."""
        words = self.words
        return set(chain.from_iterable(map(words.__getitem__, words.keys() & present)))

    def pattern_terms(self, present: AbstractSet[bytes]) -> set[_PatternTerm]:
        """The other terms filed under a word among ``present``: they may match."""
        patterns = self.patterns
        filed = patterns.keys() & present
        return set(chain.from_iterable(map(patterns.__getitem__, filed)))


@dataclass(frozen=True, slots=True)
class RelevanceLexicon:
    """Weighted terms and the score from which an article counts as relevant."""

    terms: Mapping[str, float]
    threshold: float = DEFAULT_THRESHOLD
    _index: _Index | None = field(default=None, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 0.0 <= self.threshold <= 1.0:
            raise ValueError(
                f"relevance threshold must be within [0, 1], got {self.threshold}"
            )

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
        """The terms ready to match, filed by word to find those a text may contain (built on
        first use: a lexicon is often extended or given a threshold before it scores)."""
        index = self._index
        if index is None:
            index = _Index.build(
                _compile(term, weight)
                for term, weight in self.terms.items()
                if weight > 0 and term.strip()
            )
            object.__setattr__(self, "_index", index)
        return index


class _Field:
    """One field of the article (title, standfirst or body) and its words of the lexicon."""

    __slots__ = ("_in_a_row", "_lower", "counts", "present", "text", "words")

    def __init__(self, text: str, watched: frozenset[bytes]) -> None:
        self.text = text
        self._lower: str | None = None
        self.words = _separated(self).split()
        # Counting only the lexicon's words costs little more than finding which occur (a
        # set intersection), and less than counting every word: a real page has few of them.
        self.counts = Counter(filter(watched.__contains__, self.words))
        self.present = set(self.counts)
        self._in_a_row = b""

    @property
    def lower(self) -> str:
        if self._lower is None:
            self._lower = self.text.lower()
        return self._lower

    def contains(self, term: _PatternTerm) -> bool:
        """Whether the term matches here (one filed under a word here)."""
        return self._may_match(term) and next(self._starts(term), -1) >= 0

    def count(self, term: _PatternTerm) -> int:
        """How often the term matches here (one filed under a word here)."""
        return sum(1 for _ in self._starts(term)) if self._may_match(term) else 0

    def _may_match(self, term: _PatternTerm) -> bool:
        """False when an ASCII term's words are not all here, in a row: no need for a regex."""
        if not term.ascii:
            return True
        if not term.may_occur(self.present):
            return False
        if not term.phrase:
            return True
        if not self._in_a_row:
            self._in_a_row = b" %b" % b" ".join(self.words)
        return term.phrase in self._in_a_row

    def _starts(self, term: _PatternTerm) -> Iterator[int]:
        """Where the term starts as a whole word."""
        text = self.text if term.acronym else self.lower
        first = text.find(term.prefix)  # no match can start earlier
        if first < 0:
            return
        for match in term.pattern.finditer(text, first):
            start = match.start()
            if start == 0 or not _is_word_character(text[start - 1]):
                yield start


# What an article's terms bring: (-value, term), so that sorting puts the strongest first and
# ties in the order of their names (Relevance.terms). Terms are visited in no set order: the
# result does not depend on it, as the values are summed once sorted and breadth points are
# halves and ones (exact sums).
_Contributions = list[tuple[float, str]]


def _add_words(
    index: _Index,
    present: AbstractSet[bytes],
    title: _Field,
    standfirst: _Field,
    body: _Field,
    contributions: _Contributions,
) -> float:
    """Add what the single-word terms bring (each is in a field); return their breadth.

    Only set and dict look-ups per term: each field's lexicon words are known and counted.
    """
    in_title, in_standfirst, hits = title.present, standfirst.present, body.counts.get
    breadth = 0.0
    for term in index.word_terms(present):
        forms = term.forms
        word, plural, plural_es = forms
        points = (
            (0.0 if in_title.isdisjoint(forms) else _TITLE_WEIGHT)
            + (0.0 if in_standfirst.isdisjoint(forms) else _STANDFIRST_WEIGHT)
            + math.log2(1 + hits(word, 0) + hits(plural, 0) + hits(plural_es, 0))
        )
        contributions.append((-term.weight * points, term.term))
        breadth += term.breadth
    return breadth


def _add_patterns(
    index: _Index,
    present: AbstractSet[bytes],
    title: _Field,
    standfirst: _Field,
    body: _Field,
    contributions: _Contributions,
) -> float:
    """Add what the other terms bring (those that match); return their breadth."""
    breadth = 0.0
    for term in index.pattern_terms(present):
        if not term.may_occur(present):
            continue
        points = (
            (_TITLE_WEIGHT if title.contains(term) else 0.0)
            + (_STANDFIRST_WEIGHT if standfirst.contains(term) else 0.0)
            + math.log2(1 + body.count(term))
        )
        if points > 0:
            contributions.append((-term.weight * points, term.term))
            breadth += term.breadth
    return breadth


def score_relevance(article: CleanArticle, lexicon: RelevanceLexicon) -> Relevance:
    """Score ``article`` against ``lexicon`` (see the module docstring for the formula).

    Each field is split into words and its lexicon words counted once; single-word terms
    (most of the lexicon) then cost a few look-ups each, and the regex of any other term
    runs only in a field that has all its words, in a row when it is ASCII.
    """
    index = lexicon.index()
    title = _Field(article.title, index.watched)
    standfirst = _Field("\n".join(article.standfirst), index.watched)
    body = _Field("\n".join(article.body), index.watched)
    present = title.present | standfirst.present | body.present
    contributions: _Contributions = []
    breadth_points = _add_words(
        index, present, title, standfirst, body, contributions
    ) + _add_patterns(index, present, title, standfirst, body, contributions)
    contributions.sort()
    raw = -sum(value for value, _ in contributions)
    breadth = min(1.0, breadth_points / _FULL_BREADTH_TERMS)
    score = breadth * (1.0 - math.exp(-raw / SCALE))
    return Relevance(
        score=round(score, 4), terms=tuple(term for _, term in contributions)
    )

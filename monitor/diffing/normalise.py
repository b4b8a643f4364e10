"""Normalise text so that only what a reader would call a change changes the fingerprint.

``normalise_text`` folds the noise that re-fetching the same article produces: HTML entities
decoded or re-encoded (``&amp;`` vs ``&``, also double-encoded), Unicode composed or decomposed,
typographic quotes and dashes vs ASCII ones, non-breaking and thin spaces, zero-width and other
invisible characters, runs of whitespace. It is idempotent: normalising twice changes nothing.

``fingerprint`` hashes the normalised title, standfirst, authors and body (never ``modified_at``).
Paragraph boundaries are *not* part of the fingerprint: a page that splits one paragraph in two
(a markup change) reads the same, so it is not a new version.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from monitor.diffing.content import ArticleContent

logger = logging.getLogger(__name__)

# Typographic variants a site (or its CMS, or its CDN) swaps without anyone editing the text.
_FOLD_MAP: Mapping[str, str] = {
    # single quotes, apostrophes and primes
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "\u2039": "'",
    "\u203a": "'",
    "\uff07": "'",
    "`": "'",
    "\u00b4": "'",
    # double quotes and guillemets
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u201f": '"',
    "\u2033": '"',
    "\u00ab": '"',
    "\u00bb": '"',
    "\uff02": '"',
    # hyphens, dashes and minus signs
    "\u2010": "-",
    "\u2011": "-",
    "\u2012": "-",
    "\u2013": "-",
    "\u2014": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\ufe58": "-",
    "\ufe63": "-",
    "\uff0d": "-",
    # ellipsis character vs three dots
    "\u2026": "...",
}

# Characters a reader cannot see: soft hyphen, zero-width (non-)joiners and spaces, direction
# marks and embeddings, word joiner and invisible operators, BOM, variation selectors, C0/C1
# controls that are not whitespace. CMSs insert and drop them freely.
_INVISIBLE = re.compile(
    "[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180e\u200b-\u200f\u202a-\u202e"
    "\u2060-\u2064\u2066-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
    "\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]"
)
_FOLD = MappingProxyType(str.maketrans(dict(_FOLD_MAP)))
# Guards the fixed-point loop below; real text settles in one or two passes.
_MAX_PASSES = 12


def _unescape(text: str) -> str:
    """Decode HTML entities until none are left (double-encoded ``&amp;amp;`` included)."""
    while "&" in text:
        decoded = html.unescape(text)
        if decoded == text:
            break
        text = decoded
    return text


def _one_pass(text: str) -> str:
    text = _unescape(_INVISIBLE.sub("", text))
    text = _INVISIBLE.sub("", text)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    # str.split() splits on exactly the characters the regex \s matches
    return " ".join(text.translate(_FOLD).split())


def _plain_ascii(text: str) -> str:
    """One pass for ASCII text without entities (most news text): already a fixed point."""
    if _settled_ascii(text):
        return text
    if not text.isprintable():
        text = _INVISIBLE.sub("", text)
    if "`" in text:
        text = text.translate(_FOLD)
    return " ".join(text.split())


def _settled_ascii(text: str) -> bool:
    """ASCII text without entities that ``_plain_ascii`` would return unchanged.

    Printable ASCII has no control character (so nothing invisible, and no whitespace but the
    space), so it is settled when it has no backtick, no two spaces in a row and no space at
    either end. A cleaned paragraph almost always is: checking costs about half of splitting
    and re-joining its words.
    """
    return (
        text.isprintable()
        and "`" not in text
        and "  " not in text
        and text[:1] != " "
        and text[-1:] != " "
    )


def normalise_text(text: str) -> str:
    """Entities decoded, NFC, quotes/dashes folded, invisible characters dropped, spaces collapsed."""
    if text.isascii() and "&" not in text:
        return _plain_ascii(text)
    for _ in range(_MAX_PASSES):
        result = _one_pass(text)
        if result == text:
            return text
        text = result
    logger.warning(
        "text did not settle after %d normalisation passes: %.60r", _MAX_PASSES, text
    )
    return text


def is_plain(text: str) -> bool:
    """True when normalising only collapses whitespace: ASCII, no entities, no controls, no backticks."""
    return (
        text.isascii()
        and "&" not in text
        and "`" not in text
        and not _INVISIBLE.search(text)
    )


def word_key(token: str) -> str:
    """The comparison key of one whitespace-delimited token (fast path for plain ASCII)."""
    if (
        token.isascii()
        and token.isprintable()
        and "&" not in token
        and "`" not in token
    ):
        return token
    return normalise_text(token)


@dataclass(frozen=True, slots=True)
class NormalisedContent:
    """The fields a fingerprint covers, normalised; equal exactly when fingerprints are equal.

    ``standfirst`` and ``body`` are the non-empty normalised paragraphs joined by one space, so
    paragraph boundaries do not count; ``authors`` keeps order, empty names dropped.
    """

    title: str
    standfirst: str
    authors: tuple[str, ...]
    body: str


def joined(keys: Sequence[str]) -> str:
    """Normalised paragraphs as one text: paragraph boundaries and empty paragraphs do not count."""
    return " ".join(k for k in keys if k)


@dataclass(frozen=True, slots=True)
class NormalisedVersion:
    """A version's normalised fields plus each paragraph's normalised text (its comparison key)."""

    fields: NormalisedContent
    standfirst: tuple[str, ...]
    body: tuple[str, ...]

    @property
    def word_count(self) -> int:
        """Words in the title, standfirst and body."""
        texts = (self.fields.title, self.fields.standfirst, self.fields.body)
        return sum(len(t.split()) for t in texts)


def normalise_version(content: ArticleContent) -> NormalisedVersion:
    """Normalise every field and paragraph of one version once."""
    standfirst = tuple(normalise_text(p) for p in content.standfirst)
    body = tuple(normalise_text(p) for p in content.body)
    fields = NormalisedContent(
        title=normalise_text(content.title),
        standfirst=joined(standfirst),
        authors=tuple(n for n in (normalise_text(a) for a in content.authors) if n),
        body=joined(body),
    )
    return NormalisedVersion(fields, standfirst, body)


def normalised_fields(content: ArticleContent) -> NormalisedContent:
    """The normalised form of what a reader sees of one version (``normalise_version``'s
    fields, without keeping each paragraph's key)."""
    return NormalisedContent(
        title=normalise_text(content.title),
        standfirst=_joined_normalised(content.standfirst),
        authors=tuple(n for n in (normalise_text(a) for a in content.authors) if n),
        body=_joined_normalised(content.body),
    )


def _joined_normalised(paragraphs: Sequence[str]) -> str:
    """``joined`` of the paragraphs normalised, checked whole when it can be.

    When the paragraphs joined by single spaces are settled ASCII, every paragraph is (none
    is empty or has a space at an end, or two spaces would meet), so that text is the answer:
    a clean body costs one check instead of one per paragraph.
    """
    whole = " ".join(paragraphs)
    if whole.isascii() and "&" not in whole and _settled_ascii(whole):
        return whole
    return joined([normalise_text(p) for p in paragraphs])


# Bump when the normalisation changes in a way that changes fingerprints of unchanged text.
FINGERPRINT_VERSION = "defwatch-fp-1"


def fingerprint(content: ArticleContent) -> str:
    """SHA-256 (hex) of the normalised title, standfirst, byline and body; not modified_at.

    What is hashed is ``json.dumps([FINGERPRINT_VERSION, title, standfirst, [authors...],
    body], ensure_ascii=False, separators=(",", ":"))``, written out by ``_json_string``.
    """
    fields = normalised_fields(content)
    authors = ",".join(map(_json_string, fields.authors))
    payload = (
        f"[{_json_string(FINGERPRINT_VERSION)},{_json_string(fields.title)},"
        f"{_json_string(fields.standfirst)},[{authors}],{_json_string(fields.body)}]"
    )
    return hashlib.sha256(payload.encode("utf-8", "surrogatepass")).hexdigest()


def _json_string(text: str) -> str:
    """``json.dumps(text, ensure_ascii=False)``, about four times faster on printable text.

    Printable text has no control character, so JSON escapes only its backslashes and double
    quotes there; other text goes through ``json.dumps``.
    """
    if text.isprintable():
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return json.dumps(text, ensure_ascii=False)

"""Normalise text so that only what a reader would call a change changes the fingerprint."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from monitor.diffing.content import ArticleContent

_FOLD = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u00a0": " ",
        "\u2009": " ",
        "\u200a": " ",
        "\u202f": " ",
        "\u2007": " ",
        "\u200b": None,
        "\u200c": None,
        "\u200d": None,
        "\ufeff": None,
        "\u00ad": None,
    }
)
_SPACE = re.compile(r"\s+")


def normalise_text(text: str) -> str:
    """NFC, quote and dash variants folded, invisible characters dropped, whitespace collapsed."""
    folded = unicodedata.normalize("NFC", text).translate(_FOLD)
    return _SPACE.sub(" ", folded).strip()


def fingerprint(content: ArticleContent) -> str:
    """SHA-256 of the normalised title, standfirst, byline and body paragraphs."""
    parts = [
        normalise_text(content.title),
        *("s:" + normalise_text(p) for p in content.standfirst),
        *("a:" + normalise_text(a) for a in content.authors),
        *("p:" + normalise_text(p) for p in content.body),
    ]
    joined = "\x1e".join(p for p in parts if p not in ("", "s:", "a:", "p:"))
    return hashlib.sha256(joined.encode("utf-8")).hexdigest()

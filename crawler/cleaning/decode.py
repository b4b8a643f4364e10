"""Bytes to text: BOM, HTTP header hint, meta charset / XML declaration, then validation."""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-z0-9_.:-]+)|<\?xml[^>]+encoding\s*=\s*["']([a-z0-9_.:-]+)""",
    re.IGNORECASE,
)
# Declared charsets that are mostly mislabelled UTF-8 or a subset of windows-1252 (WHATWG decoding).
_LATIN = {
    "iso-8859-1",
    "latin-1",
    "latin1",
    "us-ascii",
    "ascii",
    "iso8859-1",
    "l1",
    "cp819",
}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    try:
        codec = codecs.lookup(name).name
    except LookupError:
        return None
    return "cp1252" if name in _LATIN or codec in _LATIN else codec


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control characters near the start."""
    head = data[:4096]
    if not head or head.startswith(tuple(bom for bom, _ in _BOMS[1:])):
        return False
    controls = sum(1 for b in head if b < 9 or 13 < b < 32)
    return b"\x00" in head or controls > len(head) // 20


def declared_encoding(data: bytes) -> str | None:
    match = _DECLARED.search(data[:8192])
    if not match:
        return None
    return _codec((match.group(1) or match.group(2)).decode("ascii", "replace"))


def decode_html(data: bytes, hint: str | None = None) -> tuple[str, str]:
    """Decode a page; returns (text, encoding used). Never raises on bad bytes.

    Order: byte-order mark, then valid UTF-8 (a page that decodes as UTF-8 is UTF-8 whatever it
    declares: a wrong declared charset is common, an accidental valid multi-byte UTF-8 is not),
    then the HTTP hint, the page's meta charset or XML declaration, then windows-1252.
    Mixed encodings decode as UTF-8 with replacement characters for the stray bytes.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for candidate in (_codec(hint), declared_encoding(data)):
        if candidate and candidate != "utf-8":
            try:
                return data.decode(candidate), candidate
            except (UnicodeDecodeError, LookupError):
                continue
    if _mostly_utf8(data):
        return data.decode("utf-8", errors="replace"), "utf-8"
    return data.decode("cp1252", errors="replace"), "cp1252"


def _mostly_utf8(data: bytes) -> bool:
    """More valid UTF-8 multi-byte sequences than invalid bytes: mixed encodings, mostly UTF-8."""
    text = data.decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = sum(1 for ch in text if ord(ch) > 127) - bad
    return good > bad

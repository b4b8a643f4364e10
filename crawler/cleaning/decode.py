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


# Control characters other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def looks_binary(data: bytes) -> bool:
    """True for data that is not text: NUL bytes or many control characters near the start."""
    head = data[:4096]
    if not head or head.startswith(tuple(bom for bom, _ in _BOMS[1:])):
        return False
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return b"\x00" in head or controls > len(head) // 20


def declared_encoding(data: bytes) -> str | None:
    match = _DECLARED.search(data[:8192])
    if not match:
        return None
    return _codec((match.group(1) or match.group(2)).decode("ascii", "replace"))


def decode_html(data: bytes, hint: str | None = None) -> tuple[str, str]:
    """Decode a page; returns (text, encoding used). Never raises on bad bytes.

    Order: byte-order mark; valid UTF-8 (a page that decodes as UTF-8 is UTF-8 whatever it
    declares: a wrong declared charset is common, an accidental valid multi-byte UTF-8 is not);
    mixed encodings (valid UTF-8 sequences next to stray bytes: UTF-8, each stray byte read as
    windows-1252); then the HTTP hint, the meta charset or XML declaration; then windows-1252.
    """
    for bom, name in _BOMS:
        if data.startswith(bom):
            return data[len(bom) :].decode(name, errors="replace"), name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    if _has_utf8_sequences(data):
        return _decode_mixed(data), "utf-8+cp1252"
    for candidate in (_codec(hint), declared_encoding(data)):
        if candidate and candidate != "utf-8":
            try:
                return data.decode(candidate), candidate
            except (UnicodeDecodeError, LookupError):
                continue
    return data.decode("cp1252", errors="replace"), "cp1252"


_UTF8_SEQUENCE = re.compile(
    rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}"
)
MAX_STRAY_BYTES = (
    200  # past this many stray runs the rest is read as windows-1252 in one go
)


def _has_utf8_sequences(data: bytes) -> bool:
    return _UTF8_SEQUENCE.search(data) is not None


def _decode_mixed(data: bytes) -> str:
    parts: list[str] = []
    position = 0
    for _ in range(MAX_STRAY_BYTES):
        try:
            parts.append(data[position:].decode("utf-8"))
            return "".join(parts)
        except UnicodeDecodeError as exc:
            parts.append(data[position : position + exc.start].decode("utf-8"))
            stray = data[position + exc.start : position + exc.end]
            parts.append(stray.decode("cp1252", errors="replace"))
            position += exc.end
    parts.append(data[position:].decode("cp1252", errors="replace"))
    return "".join(parts)

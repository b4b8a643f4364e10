"""A page's text from its bytes, checked: a wrong or missing charset must not become mojibake.

Scrapy decodes with the declared charset and replaces bytes that do not fit (a windows-1252 page
declared UTF-8 becomes "Fr\ufffdgate"), and trusts a latin-1 label on a UTF-8 page ("FrÃ©gate").
Both are common on news sites. Order here:

1. a byte-order mark;
2. valid UTF-8 is UTF-8 whatever the page declares (random windows-1252 text with accents is
   almost never valid UTF-8, while mislabelled UTF-8 is frequent);
3. the declared charset (HTTP header, then meta), when the bytes decode with it without error and
   it is not UTF-8 (already ruled out);
4. windows-1252, the WHATWG reading of latin-1 labels and the usual charset of undeclared pages.
"""

from __future__ import annotations

import codecs
import re

_BOMS = (
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
# Labels that browsers read as windows-1252 (WHATWG Encoding standard).
_AS_CP1252 = frozenset({"iso8859-1", "latin-1", "ascii", "cp1252"})


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip()).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def decode_page(body: bytes, declared: tuple[str | None, ...] = ()) -> tuple[str, str]:
    """(text, encoding used) of a page body; ``declared``: charsets the header/meta give."""
    for bom, name in _BOMS:
        if body.startswith(bom):
            return body[len(bom) :].decode(name, errors="replace"), name
    try:
        return body.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    for label in declared:
        codec = _codec(label)
        if codec and codec != "utf-8":
            try:
                return body.decode(codec), codec
            except UnicodeDecodeError:
                continue
    return body.decode("cp1252", errors="replace"), "cp1252"


# <meta charset="x"> or <meta http-equiv="Content-Type" content="text/html; charset=x">
_META_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)", re.IGNORECASE
)
_HEADER_CHARSET = re.compile(
    r"charset\s*=\s*[\"']?\s*([a-zA-Z0-9_.:-]+)", re.IGNORECASE
)


def declared_charsets(content_type: str | None, body: bytes) -> tuple[str | None, ...]:
    """The charsets a page declares: the HTTP header's, then the first meta tag's."""
    header = _HEADER_CHARSET.search(content_type or "")
    meta = _META_CHARSET.search(body[:4096])
    return (
        header.group(1) if header else None,
        meta.group(1).decode("ascii") if meta else None,
    )

"""Hard input never crashes or hangs: it gives a clear failure or a flagged empty result."""

from __future__ import annotations

import time

import pytest

from crawler.cleaning import clean_html

PARAGRAPHS = (
    "<p>The frigate Müller sailed from Kiel on Monday for a six-month deployment to the Indian "
    "Ocean, the navy said, with a helicopter and a boarding team embarked.</p>"
    "<p>Its crew of 180 will join an international task force that escorts merchant ships "
    "through the Gulf of Aden and the southern Red Sea, officials in Zürich confirmed.</p>"
    "<p>The deployment is the ship's first since a two-year refit that added a new radar, "
    "a modern combat management system and upgraded self-defence missiles.</p>"
)


def page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>Frigate deploys</title></head><body><article>{body}</article></body></html>"


@pytest.mark.parametrize("html", ["", "   \n ", b"", b"\n\n"])
def test_empty_input_is_a_failure(html: str | bytes) -> None:
    assert clean_html(html).failure == "empty page"


def test_binary_input_is_a_failure() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
    article = clean_html(png)
    assert article.failure is not None
    assert "binary" in article.failure
    assert article.body == ()


def test_huge_page_fails_fast() -> None:
    huge = page("<p>" + "x" * 20_000_000 + "</p>")
    start = time.monotonic()
    article = clean_html(huge)
    assert time.monotonic() - start < 5
    assert article.failure is not None
    assert "too large" in article.failure


def test_broken_markup_still_gives_the_text() -> None:
    broken = (
        "<html><body><div class=x><article><p>The frigate Müller sailed from Kiel on Monday for a "
        "six-month deployment to the Indian Ocean, the navy said<b>, with a helicopter</i> and a "
        "boarding team embarked.<p>Its crew of 180 will join an international task force that "
        "escorts merchant ships</div></td> through the Gulf of Aden and the southern Red Sea, "
        "officials confirmed.<table><p>stray</table><p>The deployment is the ship's first since a "
        "two-year refit that added a new radar and upgraded self-defence missiles."
    )
    article = clean_html(broken)
    assert article.failure is None
    assert "boarding team embarked." in article.text
    assert "southern Red Sea" in article.text


def test_deep_nesting_does_not_crash() -> None:
    deep = "<div>" * 5000 + PARAGRAPHS + "</div>" * 5000
    article = clean_html(page(deep))
    assert article.failure is None or article.body == ()


def test_xml_declaration_with_encoding_in_str() -> None:
    html = '<?xml version="1.0" encoding="ISO-8859-1"?>\n' + page(PARAGRAPHS)
    article = clean_html(html)
    assert article.failure is None
    assert "Müller" in article.text


def test_xml_declaration_with_encoding_in_bytes() -> None:
    html = ('<?xml version="1.0" encoding="ISO-8859-1"?>\n' + page(PARAGRAPHS)).encode(
        "latin-1"
    )
    article = clean_html(html)
    assert "frigate Müller" in article.text
    assert "Zürich" in article.text


def test_wrong_declared_charset_is_overruled_by_valid_utf8() -> None:
    html = page(PARAGRAPHS, '<meta charset="iso-8859-1">').encode("utf-8")
    assert "frigate Müller" in clean_html(html).text


def test_declared_charset_is_used_when_bytes_are_not_utf8() -> None:
    html = page(
        PARAGRAPHS,
        '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">',
    )
    assert "Zürich" in clean_html(html.encode("cp1252")).text


def test_http_header_hint_decodes_undeclared_bytes() -> None:
    russian = (
        "<p>"
        + "Фрегат вышел в море для шестимесячного похода в Индийский океан. " * 3
        + "</p>"
    )
    html = page(russian + PARAGRAPHS).encode("cp1251", errors="replace")
    article = clean_html(html, encoding="windows-1251")
    assert "Фрегат вышел в море" in article.text


def test_mixed_encodings_keep_the_utf8_text() -> None:
    html = page(PARAGRAPHS).encode("utf-8").replace(b"Kiel", b"Kiel \xe9t\xe9")
    article = clean_html(html)
    assert "frigate Müller" in article.text
    assert "Zürich" in article.text


def test_utf16_with_bom() -> None:
    html = page(PARAGRAPHS).encode("utf-16")
    assert "frigate Müller" in clean_html(html).text


def test_text_without_any_markup() -> None:
    article = clean_html("just some words, no markup at all")
    assert article.failure is not None or article.body == (
        "just some words, no markup at all",
    )

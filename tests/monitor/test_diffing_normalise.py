"""Noise that re-fetching produces must not read as a change (nor create a version)."""

from __future__ import annotations

import unicodedata
from dataclasses import replace

import pytest

from monitor.diffing import ArticleContent, diff_contents, fingerprint, normalise_text

BASE = "Ukraine's air force said it shot down 29 of the 47 missiles - the 'highest' rate in May."

NOISY_VARIANTS = {
    "curly quotes": "Ukraine\u2019s air force said it shot down 29 of the 47 missiles - the \u2018highest\u2019 rate in May.",
    "en dash": "Ukraine's air force said it shot down 29 of the 47 missiles \u2013 the 'highest' rate in May.",
    "em dash": "Ukraine's air force said it shot down 29 of the 47 missiles \u2014 the 'highest' rate in May.",
    "nbsp": "Ukraine's air\u00a0force said it shot down 29\u00a0of the 47 missiles - the 'highest' rate in\u00a0May.",
    "entities": "Ukraine&#8217;s air force said it shot down 29 of the 47 missiles &ndash; the &lsquo;highest&rsquo; rate in May.",
    "double-encoded entities": "Ukraine&amp;#39;s air force said it shot down 29 of the 47 missiles - the &amp;#x27;highest&amp;#x27; rate in May.",
    "extra whitespace": "  Ukraine's air force  said it shot down\n29 of the 47 missiles -\tthe 'highest' rate in May. ",
    "zero-width and soft hyphen": "Ukraine's air\u200b force said it shot down 29 of the 47 mis\u00adsiles - the 'highest' rate in May.\ufeff",
}


@pytest.mark.parametrize("variant", sorted(NOISY_VARIANTS))
def test_noise_is_no_change(variant: str, kharkiv: ArticleContent) -> None:
    before = replace(kharkiv, body=(*kharkiv.body, BASE))
    after = replace(kharkiv, body=(*kharkiv.body, NOISY_VARIANTS[variant]))
    assert normalise_text(NOISY_VARIANTS[variant]) == BASE
    assert fingerprint(after) == fingerprint(before)
    assert diff_contents(before, after).is_empty


def test_decomposed_unicode_is_no_change(kharkiv: ArticleContent) -> None:
    title = "Zaporizhzhia plant: IAEA chief Grossi warns of 'très grave' risk"
    composed = replace(kharkiv, title=unicodedata.normalize("NFC", title))
    decomposed = replace(kharkiv, title=unicodedata.normalize("NFD", title))
    assert composed.title != decomposed.title
    assert fingerprint(composed) == fingerprint(decomposed)
    assert diff_contents(composed, decomposed).is_empty


def test_noise_in_title_byline_and_standfirst_is_no_change(
    kharkiv: ArticleContent,
) -> None:
    noisy = replace(
        kharkiv,
        title=kharkiv.title.replace(",", ",\u00a0") + " ",
        standfirst=(kharkiv.standfirst[0].replace("'", "\u2019"),),
        authors=("Anna\u00a0Kovalenko", " Tom Briggs "),
    )
    assert fingerprint(noisy) == fingerprint(kharkiv)
    assert diff_contents(kharkiv, noisy).is_empty


def test_paragraph_split_differently_is_no_change(kharkiv: ArticleContent) -> None:
    merged = (kharkiv.body[0] + " " + kharkiv.body[1], *kharkiv.body[2:])
    resplit = replace(kharkiv, body=(*merged, "", "  "))
    assert fingerprint(resplit) == fingerprint(kharkiv)
    assert diff_contents(kharkiv, resplit).is_empty


@pytest.mark.parametrize(
    "change",
    [
        {"title": "Strikes on Kharkiv kill 300"},
        {"standfirst": ("Air defences ran short.",)},
        {"authors": ("Anna Kovalenko",)},
        {"body": ("Only one paragraph left.",)},
    ],
    ids=["title", "standfirst", "authors", "body"],
)
def test_fingerprint_covers_each_field(
    change: dict[str, object], kharkiv: ArticleContent
) -> None:
    assert fingerprint(replace(kharkiv, **change)) != fingerprint(kharkiv)  # type: ignore[arg-type]


def test_fingerprint_ignores_modified_at(kharkiv: ArticleContent) -> None:
    assert fingerprint(replace(kharkiv, modified_at=None)) == fingerprint(kharkiv)


def test_fields_do_not_bleed_into_each_other() -> None:
    # the same words under a different field are a different article
    assert fingerprint(ArticleContent(title="A", body=("B",))) != fingerprint(
        ArticleContent(title="A B")
    )
    assert fingerprint(ArticleContent(authors=("A", "B"))) != fingerprint(
        ArticleContent(authors=("A B",))
    )


def test_real_edits_survive_normalisation() -> None:
    # case, digits and words are content: normalising must not fold them away
    assert normalise_text("killed 300") != normalise_text("killed 350")
    assert normalise_text("US") != normalise_text("us")
    assert normalise_text("re-elected") != normalise_text("reelected")

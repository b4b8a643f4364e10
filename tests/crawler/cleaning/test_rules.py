from __future__ import annotations


def test_a_short_closing_sentence_is_article_text_not_edge_junk():
    from crawler.cleaning import clean_html

    long = (
        "The ministry of defence confirmed that the navy frigate programme continues, "
        "with sea trials of the new air-defence missile planned for spring."
    )
    html = (
        "<html><body><article><h1>Frigate trials</h1>"
        f"<p>{long}</p><p>{long.replace('spring', 'summer')}</p>"
        "<p>The trials were postponed after a fire.</p><p>Share this</p>"
        "</article></body></html>"
    )
    body = clean_html(html).body
    assert body[-1] == "The trials were postponed after a fire."
    assert "Share this" not in body

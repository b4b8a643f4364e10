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


def test_a_number_404_in_a_headline_does_not_make_an_article_an_error_page():
    from crawler.cleaning import clean_html

    paragraphs = "".join(
        f"<p>Paragraph {i}: the navy said the Type 404 frigate completed its sea trials "
        "on schedule, with the new air-defence missile fired twice.</p>"
        for i in range(4)
    )
    page = (
        "<html><head><title>Type 404 frigate completes trials</title></head><body><article>"
        f"<h1>Type 404 frigate completes trials</h1>{paragraphs}</article></body></html>"
    )
    article = clean_html(page)
    assert article.failure is None
    assert len(article.body) == 4
    error = "<html><head><title>Error 404 - Not Found</title></head><body><p>Sorry.</p></body></html>"
    assert clean_html(error).failure is not None

"""Generic structural signals that end the article where its markup says it ends."""

from __future__ import annotations

from crawler.cleaning import clean_html

PARAGRAPHS = (
    "The navy has ordered four more offshore patrol vessels from the national yard, bringing "
    + "the class to ten ships by the end of the decade.",
    "The first of the new hulls will be laid down next spring, and the yard expects to deliver "
    + "one ship a year once the production line is running again.",
    "Officials said the vessels will carry a larger flight deck than the first batch, so that "
    + "they can operate the navy's new medium helicopters at sea.",
)


def test_prose_beside_the_marked_article_body_is_not_the_article() -> None:
    article_html = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = f"""<html><body><main class="wrapper">
    <article class="post"><h1>Navy orders four more patrol vessels</h1>{article_html}</article>
    <div class="cta-box"><h3>Work with our team</h3>
    <p>Whether you are planning your next project or looking for expert advice, our team of
    specialists is ready to help you every step of the way, so get in touch today.</p></div>
    <div class="bio"><p>Jane Roe writes about the shipbuilding industry and has covered naval
    procurement for more than fifteen years for several trade magazines.</p></div>
    </main></body></html>"""
    body = clean_html(page).body
    assert body == PARAGRAPHS


def test_an_article_split_over_two_marked_bodies_is_kept_whole() -> None:
    page = f"""<html><body><main class="wrapper"><h1>Navy orders more patrol vessels</h1>
    <div class="rich-text"><p>{PARAGRAPHS[0]}</p><p>{PARAGRAPHS[1]}</p></div>
    <div class="note"><p>The order follows a review of the fleet published last year.</p></div>
    <div class="rich-text"><p>{PARAGRAPHS[2]}</p></div>
    </main></body></html>"""
    body = clean_html(page).body
    assert PARAGRAPHS[0] in body
    assert PARAGRAPHS[2] in body


def test_a_republish_box_with_the_article_as_raw_html_is_not_the_article() -> None:
    article_html = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    copy = "&lt;h1&gt;Navy orders patrol vessels&lt;/h1&gt;" + "".join(
        f"&lt;p&gt;{p}&lt;/p&gt;" for p in PARAGRAPHS * 3
    )
    page = f"""<html><body><div class="post"><h1>Navy orders patrol vessels</h1>
    {article_html}<div class="modal-box"><textarea readonly>{copy}</textarea></div>
    </div></body></html>"""
    body = clean_html(page).body
    assert body == PARAGRAPHS


def test_inside_the_article_element_the_marked_entry_content_is_the_body() -> None:
    article_html = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    page = f"""<html><body><main><article class="post"><h1>Navy orders patrol vessels</h1>
    <div class="entry-content">{article_html}</div>
    <div class="author-card"><p>Jane Roe has written about shipbuilding and naval
    procurement for fifteen years, for trade magazines in Europe and in North America.</p></div>
    </article><div class="next-steps"><p>Whether you are planning your next project or looking
    for expert advice, our team of specialists is ready to help, so get in touch.</p></div>
    </main></body></html>"""
    body = clean_html(page).body
    assert body == PARAGRAPHS


def test_a_body_name_matches_alone_or_at_the_end_of_a_prefixed_class_name() -> None:
    from crawler.cleaning.rules import Selector

    selector = Selector(name_ends=frozenset({"post-content"}))
    for names in ({"post-content"}, {"td-post-content", "x"}, {"theme_post-content"}):
        assert selector.matches("div", names, names, ())
    for names in ({"post-content-footer"}, {"mypost-content"}, {"content"}, set()):
        assert not selector.matches("div", names, names, ())

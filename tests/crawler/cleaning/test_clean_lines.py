"""Generic line and stop rules: boilerplate lines inside the content, and where the article ends."""

from __future__ import annotations

from crawler.cleaning import clean_html

PARAGRAPHS = (
    "The army has taken delivery of the first twelve wheeled howitzers, two months ahead of "
    + "the schedule agreed when the contract was signed last year.",
    "The guns will equip an artillery regiment in the north first, with a second batch due "
    + "next year once crews have completed their training at the school.",
    "The defence ministry said the programme remains within budget, although the cost of "
    + "ammunition has risen sharply since the order was placed.",
)


def page(after: str) -> str:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return f"""<html><body><div class="wrap"><h1>First howitzers delivered</h1>{paragraphs}
    {after}</div></body></html>"""


def test_a_copyright_line_ends_the_article() -> None:
    body = clean_html(
        page(
            "<p>© 2025 Example Media Group. Company registered in England and Wales.</p>"
            "<p>Our offices are open from Monday to Friday, and our support team answers "
            "questions about subscriptions and deliveries within one working day.</p>"
        )
    ).body
    assert body == PARAGRAPHS


def test_a_republish_box_ends_the_article() -> None:
    body = clean_html(
        page(
            "<h3>Republish this article</h3>"
            "<p>We are happy for our stories to be shared, and encourage you to republish "
            "them for your audience under a Creative Commons licence, with a credit.</p>"
            "<p>Please credit our writers and include a link back to the original article "
            "on our website at the top of the republished story, as shown below.</p>"
        )
    ).body
    assert body == PARAGRAPHS


def test_a_latest_blogs_list_ends_the_article() -> None:
    teasers = "".join(
        f"<h4>Teaser {i}</h4><p>A short summary of another post on the site, number {i}, "
        "written to make a reader click through to the rest of it and read on.</p>"
        for i in range(3)
    )
    body = clean_html(page(f"<h3>Latest Blogs</h3>{teasers}")).body
    assert body == PARAGRAPHS


def test_sign_up_legalese_and_feedback_prompts_are_not_the_article() -> None:
    paragraphs = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    legalese = (
        "<p>By clicking Sign Me Up, you confirm you are 16+ and agree to our Terms of Use "
        "and Privacy Policy.</p><p>Thanks for signing up!</p>"
        "<p>Share your feedback to help improve our site!</p>"
    )
    html = f"""<html><body><div class="wrap"><h1>First howitzers delivered</h1>
    {paragraphs[: len(paragraphs) // 2]}</div><div class="box">{legalese}</div>
    <div class="wrap2">{paragraphs}</div></body></html>"""
    text = clean_html(html).text
    assert "Sign Me Up" not in text
    assert "Thanks for signing up" not in text
    assert "Share your feedback" not in text
    assert PARAGRAPHS[2] in text

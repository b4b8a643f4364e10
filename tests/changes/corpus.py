"""A corpus of article pages with noise-only and real-edit variants, for the change detector.

Each base article is rendered in three page layouts that news sites use (a news site with ad slots
and widgets, a WordPress blog with share counters and comments, a Next.js site with JSON-LD and
relative timestamps). Every variant is the same article at the same URL a day later: either only
the page around the article changed (noise: must raise no alert), or the article itself was edited
(must be detected and classified).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from html import escape

BASE_ARTICLES = (
    {
        "slug": "frigate-programme-delay",
        "title": "Navy's new frigate programme delayed by two years",
        "standfirst": "Shipyard problems and rising costs push back the first delivery to 2029",
        "author": "Anna Ferris",
        "body": (
            "The navy's Type 32 frigate programme has been delayed by two years, the defence ministry said on Tuesday in a report to parliament.",
            "The first ship, originally due in 2027, will now be delivered in 2029, officials said, citing problems at the shipyard and the rising cost of steel.",
            "The programme's budget has grown to £4.2 billion from £3.5 billion when the contract was signed in 2021.",
            "Opposition lawmakers said the delay would leave the fleet short of escorts for its two aircraft carriers.",
            "The ministry said it remained committed to the programme and was working with the shipbuilder to recover the schedule.",
        ),
    },
    {
        "slug": "border-clash-casualties",
        "title": "Soldiers killed in border clash, army says",
        "standfirst": "Both sides accuse each other of opening fire first in the disputed valley",
        "author": "Raj Menon",
        "body": (
            "At least 12 soldiers were killed and 30 wounded in a clash on the disputed border overnight, the army said on Wednesday.",
            "The fighting broke out after a patrol crossed into the valley, according to a military spokesman, who said troops had responded with artillery.",
            "The foreign ministry summoned the ambassador and demanded an investigation into what it called a deliberate provocation.",
            "Analysts said the clash was the deadliest on the border since 2020 and risked derailing talks on troop withdrawals.",
            "Satellite images taken on Tuesday showed new military positions on both sides of the line of control.",
            "The United Nations called on both governments to exercise restraint.",
        ),
    },
    {
        "slug": "drone-procurement-contract",
        "title": "Air force signs $1.3 billion contract for long-range drones",
        "standfirst": "The deal covers 24 aircraft and ground stations to be delivered from 2027",
        "author": "Li Wen",
        "body": (
            "The air force has signed a $1.3 billion contract for 24 long-range surveillance drones, the procurement agency said on Friday.",
            "The aircraft can stay airborne for more than 30 hours and will patrol the country's maritime approaches, officials said.",
            "Deliveries are to begin in 2027 and be completed by 2030, with the first squadron based on the southern coast.",
            "The contract also covers ground control stations, training and ten years of maintenance.",
        ),
    },
)


@dataclass(frozen=True, slots=True)
class PageState:
    """What one fetch of the page shows: the article, and the page furniture around it."""

    title: str
    standfirst: str
    author: str
    body: tuple[str, ...]
    ad: str = "Open an account with Harbour Bank today"
    comments: int = 13
    shares: int = 240
    reading_minutes: int = 4
    related: tuple[str, ...] = (
        "Carrier strike group sails for the Gulf",
        "Army orders new howitzers",
    )
    updated_ago: str = "5 minutes ago"
    cookie_banner: bool = False
    nested: bool = False
    entities: bool = False


def _text(value: str, state: PageState) -> str:
    out = escape(value, quote=False)
    if state.entities:
        out = (
            out.replace("’", "&rsquo;")
            .replace("'", "&#39;")
            .replace("£", "&pound;")
            .replace("$", "&#36;")
        )
    return out


def _paragraphs(state: PageState) -> str:
    paragraphs = [f"<p>{_text(p, state)}</p>" for p in state.body]
    if state.nested:
        paragraphs = [
            f'<div class="block">\n    <div class="inner">\n        {p}\n    </div>\n</div>'
            for p in paragraphs
        ]
    return ("\n" if state.nested else "").join(paragraphs)


def _cookie(state: PageState) -> str:
    if not state.cookie_banner:
        return ""
    return (
        '<div id="cookie-consent" class="cookie-banner"><p>We use cookies to improve your experience and '
        "to show you personalised advertising. By continuing you accept our cookie policy.</p>"
        "<button>Accept all</button></div>"
    )


def render_news(state: PageState, url: str) -> str:
    """A news site page: ad slots, a reading-time widget, a comment counter, related links."""
    related = "".join(
        f'<li><a href="/news/{i}">{escape(r)}</a></li>'
        for i, r in enumerate(state.related)
    )
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_text(state.title, state)} | The Defence Post</title>
<link rel="canonical" href="{url}"><meta property="og:title" content="{escape(state.title)}"></head>
<body>{_cookie(state)}<header><a href="/">The Defence Post</a><nav><a href="/world">World</a> <a href="/subscribe">Subscribe</a></nav></header>
<div class="ad-slot"><span>Advertisement</span><a href="/ads/1">{escape(state.ad)}</a></div>
<main><article><h1>{_text(state.title, state)}</h1><p class="standfirst">{_text(state.standfirst, state)}</p>
<div class="byline">By {escape(state.author)} <span class="updated">Updated {state.updated_ago}</span></div>
<div class="tools"><span class="reading-time">Reading Time: {state.reading_minutes} minutes</span> <a class="comment-count" href="#comments">{state.comments}</a></div>
<div class="article-body">{_paragraphs(state)}</div></article>
<aside class="related"><h2>Most read</h2><ul>{related}</ul></aside></main>
<footer><p>© 2026 The Defence Post. All rights reserved.</p></footer></body></html>"""


def render_blog(state: PageState, url: str) -> str:
    """A WordPress-style blog post: share counters, related posts, reader comments."""
    related = "".join(
        f'<li><a href="/p/{i}">{escape(r)}</a></li>'
        for i, r in enumerate(state.related)
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{_text(state.title, state)} – Defence Blog</title>
<link rel="canonical" href="{url}"></head><body class="single-post">{_cookie(state)}
<div id="page"><header id="masthead"><p class="site-title"><a href="/">Defence Blog</a></p></header>
<div id="content"><article class="post type-post"><header class="entry-header"><h1 class="entry-title">{_text(state.title, state)}</h1>
<div class="entry-meta">Posted by {escape(state.author)} · {state.updated_ago}</div></header>
<div class="share-buttons"><a class="share-facebook">Share <span class="count">{state.shares}</span></a></div>
<div class="entry-content"><p><strong>{_text(state.standfirst, state)}</strong></p>{_paragraphs(state)}
<div class="sponsored">{escape(state.ad)}</div></div>
<div class="related-posts"><h3>Related Posts</h3><ul>{related}</ul></div></article>
<div id="comments"><h2>{state.comments} Comments</h2><ol class="comment-list"><li class="comment"><p>Great reporting, thanks!</p></li></ol></div>
</div><aside id="secondary" class="widget-area"><section class="widget"><h2>Newsletter</h2><p>Sign up for our weekly defence briefing.</p></section></aside></div></body></html>"""


def render_next(state: PageState, url: str) -> str:
    """A Next.js-style page: the article in JSON-LD and the DOM, relative timestamps, promo boxes."""
    ld = json.dumps(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": state.title,
            "description": state.standfirst,
            "author": {"@type": "Person", "name": state.author},
            "articleBody": "\n\n".join(state.body),
        },
        ensure_ascii=False,
    ).replace("</", "<\\/")
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>{_text(state.title, state)}</title>
<link rel="canonical" href="{url}"><script type="application/ld+json">{ld}</script></head>
<body><div id="__next">{_cookie(state)}<div class="Layout_top"><div class="Promo_box">{escape(state.ad)}</div></div>
<main class="Article_main"><h1 class="Article_headline">{_text(state.title, state)}</h1>
<h2 class="Article_dek">{_text(state.standfirst, state)}</h2>
<div class="Article_meta"><span>{escape(state.author)}</span><time>{state.updated_ago}</time><span>{state.shares} shares</span></div>
<section class="Article_body">{_paragraphs(state)}</section></main>
<div class="Recirc"><h3>Read next</h3>{"".join(f"<a href='/r/{i}'>{escape(r)}</a>" for i, r in enumerate(state.related))}</div>
</div></body></html>"""


LAYOUTS: dict[str, Callable[[PageState, str], str]] = {
    "news": render_news,
    "blog": render_blog,
    "next": render_next,
}


def _swap(body: tuple[str, ...]) -> tuple[str, ...]:
    items = list(body)
    items[1], items[2] = items[2], items[1]
    return tuple(items)


def _number(body: tuple[str, ...]) -> tuple[str, ...]:
    for index, text in enumerate(body):
        for old, new in (
            ("12 soldiers", "15 soldiers"),
            ("two years", "three years"),
            ("24 ", "36 "),
        ):
            if old in text:
                return (*body[:index], text.replace(old, new, 1), *body[index + 1 :])
    raise AssertionError("no number to edit")


NOISE: dict[str, Callable[[PageState], PageState]] = {
    "ads swapped": lambda s: replace(
        s, ad="Try the new Crossword app free for 30 days"
    ),
    "counters bumped": lambda s: replace(
        s, comments=s.comments + 27, shares=s.shares + 311
    ),
    "reading time changed": lambda s: replace(s, reading_minutes=s.reading_minutes + 1),
    "related links rotated": lambda s: replace(
        s, related=("Submarine deal signed", "Missile test fails")
    ),
    "relative timestamps": lambda s: replace(s, updated_ago="2 hours ago"),
    "cookie banner added": lambda s: replace(s, cookie_banner=True),
    "markup reindented and re-nested": lambda s: replace(s, nested=True),
    "entities re-encoded": lambda s: replace(s, entities=True),
}

# variant -> (edit, the kind the change must be classified as)
EDITS: dict[str, tuple[Callable[[PageState], PageState], str]] = {
    "one word": (
        lambda s: replace(
            s, body=(s.body[0], s.body[1].replace(" said", " claimed", 1), *s.body[2:])
        ),
        "paragraphs_edited",
    ),
    "one number": (lambda s: replace(s, body=_number(s.body)), "numbers"),
    "paragraph added": (
        lambda s: replace(
            s,
            body=(
                *s.body[:3],
                "A spokesman for the shipbuilder declined to comment on the report when contacted on Tuesday evening.",
                *s.body[3:],
            ),
        ),
        "paragraphs_added",
    ),
    "paragraph removed": (
        lambda s: replace(s, body=(*s.body[:2], *s.body[3:])),
        "paragraphs_removed",
    ),
    "two paragraphs swapped": (
        lambda s: replace(s, body=_swap(s.body)),
        "paragraphs_moved",
    ),
    "headline changed": (
        lambda s: replace(s, title=s.title + ", report says"),
        "headline",
    ),
    "correction appended": (
        lambda s: replace(
            s,
            body=(
                *s.body,
                "Correction: An earlier version of this article misstated the date of the report.",
            ),
        ),
        "correction",
    ),
}


@dataclass(frozen=True, slots=True)
class Case:
    """One page at one URL: what it shows first, what it shows on the second fetch, what we expect."""

    name: str  # "<article>/<layout>/<variant>"
    path: str
    render: Callable[[PageState, str], str]
    first: PageState
    second: PageState
    expected_kind: str | None  # None: noise, no alert


def build_cases() -> list[Case]:
    """Every (article, layout, variant) case."""
    cases = []
    for article in BASE_ARTICLES:
        base = PageState(
            title=article["title"],
            standfirst=article["standfirst"],
            author=article["author"],
            body=tuple(article["body"]),
        )
        for layout, render in LAYOUTS.items():
            for variant, change in NOISE.items():
                path = f"/{layout}/{article['slug']}/{variant.replace(' ', '-')}"
                cases.append(
                    Case(
                        f"{article['slug']}/{layout}/{variant}",
                        path,
                        render,
                        base,
                        change(base),
                        None,
                    )
                )
            for variant, (edit, kind) in EDITS.items():
                path = f"/{layout}/{article['slug']}/{variant.replace(' ', '-')}"
                cases.append(
                    Case(
                        f"{article['slug']}/{layout}/{variant}",
                        path,
                        render,
                        base,
                        edit(base),
                        kind,
                    )
                )
    return cases

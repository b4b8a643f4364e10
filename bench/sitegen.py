"""Generate a loopback news site of N realistic article pages (for the benchmarks)."""

from __future__ import annotations

import random
from pathlib import Path

from monitor.demo.site import DemoArticle, render_article

WORDS = [
    "navy",
    "army",
    "air",
    "force",
    "missile",
    "destroyer",
    "frigate",
    "carrier",
    "submarine",
    "drone",
    "radar",
    "ministry",
    "defence",
    "security",
    "exercise",
    "drills",
    "officials",
    "said",
    "analysts",
    "budget",
    "procurement",
    "contract",
    "billion",
    "troops",
    "border",
    "strait",
    "patrol",
    "fighter",
    "jets",
    "helicopters",
    "artillery",
    "ammunition",
    "shipyard",
    "programme",
    "delays",
    "alliance",
    "treaty",
    "sanctions",
    "intelligence",
    "cyber",
    "satellite",
    "launch",
    "test",
    "range",
    "coast",
    "guard",
    "vessels",
    "the",
    "a",
    "of",
    "to",
    "in",
    "and",
    "on",
    "for",
    "with",
    "by",
    "at",
    "from",
    "that",
    "which",
    "as",
    "was",
    "were",
    "has",
    "have",
    "will",
    "would",
    "could",
    "government",
    "minister",
    "parliament",
    "report",
    "week",
    "year",
    "month",
    "statement",
    "according",
    "spokesman",
    "region",
]


def sentence(rng: random.Random) -> str:
    """One plausible sentence."""
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 28))]
    return " ".join(words).capitalize() + "."


def make_article(index: int, rng: random.Random) -> DemoArticle:
    """The index-th article of the site."""
    body = tuple(
        " ".join(sentence(rng) for _ in range(rng.randint(2, 4)))
        for _ in range(rng.randint(8, 16))
    )
    return DemoArticle(
        slug=f"story-{index:05d}-{rng.choice(WORDS)}-{rng.choice(WORDS)}",
        section=rng.choice(["asia", "china-military", "world"]),
        title=sentence(rng)[:90].rstrip("."),
        standfirst=(sentence(rng),),
        body=body,
        captions=(sentence(rng) + " Photo: Reuters",),
        author=rng.choice(["Minnie Chan", "Kawala Xie", "Julian Ryall"]),
        published="2026-11-27T06:30:00+00:00",
        reading_time=rng.randint(2, 7),
        comments=rng.randint(0, 300),
        ad=rng.choice(["Subscribe now", "Open an account", "Fly further"]),
    )


def write_site(root: Path, count: int, base_url: str, seed: int = 7) -> list[str]:
    """Write ``count`` article pages and a sitemap listing them; returns the article URLs."""
    rng = random.Random(seed)
    urls = []
    for index in range(count):
        article = make_article(index, rng)
        page = root / article.path.lstrip("/")
        page.parent.mkdir(parents=True, exist_ok=True)
        page.write_text(render_article(article, base_url), "utf-8")
        urls.append(base_url + article.path)
    entries = "".join(f"<url><loc>{u}</loc></url>" for u in urls)
    (root / "sitemap.xml").write_text(
        '<?xml version="1.0" encoding="UTF-8"?>'
        f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{entries}</urlset>',
        "utf-8",
    )
    (root / "robots.txt").write_text("User-agent: *\nAllow: /\n", "utf-8")
    return urls

"""Time diff_contents on typical and worst-case articles.

Run from the repo root: ``python -m bench.diffing_speed`` (or ``PYTHONPATH=. python bench/diffing_speed.py``).
Prints the best of several runs in milliseconds for each case.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from monitor.diffing import ArticleContent, diff_contents, fingerprint, render_html

ARTICLE = (
    Path(__file__).resolve().parents[1]
    / "tests"
    / "fixtures"
    / "monitor"
    / "diffing_article.txt"
)


def _body(paragraphs: int, words: int, seed: int) -> tuple[str, ...]:
    vocabulary = sorted(set(ARTICLE.read_text(encoding="utf-8").split()))
    rng = random.Random(seed)
    return tuple(
        " ".join(rng.choice(vocabulary) for _ in range(words)) + "."
        for _ in range(paragraphs)
    )


def _best_ms(run: Callable[[], object], repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def _touch(rng: random.Random, paragraph: str) -> str:
    words = paragraph.split()
    words[rng.randrange(len(words))] = "Typhoon"
    return " ".join(words)


def main() -> None:
    """Print timings for each case."""
    rng = random.Random(1)
    article = ArticleContent(
        title="Pentagon outlines long-range fires budget", body=_body(40, 37, 7)
    )
    one_edit = replace(
        article,
        body=(*article.body[:20], _touch(rng, article.body[20]), *article.body[21:]),
    )
    long_read = ArticleContent(title="Long read", body=_body(200, 30, 7))
    cases: list[tuple[str, Callable[[], object], int]] = [
        ("fingerprint, 1,500 words", lambda: fingerprint(article), 50),
        ("diff, 1,500 words, unchanged", lambda: diff_contents(article, article), 50),
        (
            "diff, 1,500 words, one paragraph edited",
            lambda: diff_contents(article, one_edit),
            50,
        ),
        (
            "render_html, 1,500 words, one edit",
            lambda: render_html(article, one_edit),
            50,
        ),
    ]
    for name, new_body in (
        ("every paragraph edited", tuple(_touch(rng, p) for p in long_read.body)),
        ("order reversed", tuple(reversed(long_read.body))),
        ("rewritten", _body(200, 30, 99)),
    ):
        new = replace(long_read, body=new_body)
        cases.append(
            (
                f"diff, 200 paragraphs, {name}",
                lambda new=new: diff_contents(long_read, new),
                5,
            )
        )
    for name, run, repeat in cases:
        print(f"{name:<48} {_best_ms(run, repeat):8.2f} ms")


if __name__ == "__main__":
    main()

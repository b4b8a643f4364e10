"""The diff stays fast: a scheduler diffs thousands of articles per run."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import replace

from monitor.diffing import ArticleContent, diff_contents


def _best_ms(run: Callable[[], object], repeat: int) -> float:
    """Best of ``repeat`` runs, in ms (the least disturbed by other work on the machine)."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best * 1000


def test_one_paragraph_edit_in_1500_words_is_fast(long_article: ArticleContent) -> None:
    assert 1400 <= sum(len(p.split()) for p in long_article.body) <= 1600
    body = list(long_article.body)
    body[20] = body[20].replace(body[20].split()[5], "Storm Shadow", 1)
    edited = replace(long_article, body=tuple(body))
    assert diff_contents(long_article, edited).paragraphs_edited == 1
    assert _best_ms(lambda: diff_contents(long_article, edited), repeat=25) < 10


def test_200_paragraph_articles_do_not_blow_up(
    synthetic_body: Callable[[int, int], tuple[str, ...]],
) -> None:
    body = synthetic_body(200, 30)
    old = ArticleContent(title="Long read", body=body)
    rng = random.Random(3)

    def touch(paragraph: str) -> str:
        words = paragraph.split()
        words[rng.randrange(len(words))] = "Typhoon"
        return " ".join(words)

    every_paragraph_edited = replace(old, body=tuple(touch(p) for p in body))
    reordered = replace(old, body=tuple(reversed(body)))
    rewritten = replace(old, body=tuple(touch(p) + " " + p[::-1] for p in body[::2]))
    for new in (every_paragraph_edited, reordered, rewritten):
        assert not diff_contents(old, new).is_empty
        assert _best_ms(lambda new=new: diff_contents(old, new), repeat=2) < 1000
    assert diff_contents(old, every_paragraph_edited).paragraphs_edited == 200
    assert diff_contents(old, reordered).paragraphs_moved == 199

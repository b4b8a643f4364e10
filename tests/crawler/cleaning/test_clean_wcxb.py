"""A quality floor on real pages: the WCXB dev articles in ../shared (skipped when absent).

Scored as bench/extract.py scores (lower-case, ``\\w+`` tokens, multiset overlap, mean over
pages) on the first pages only, to stay fast. Floors may only rise.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from crawler.cleaning import clean_html

PAGES = 60
FLOOR_F1 = 0.93
FLOOR_PRECISION = 0.95
TOKEN = re.compile(r"\w+")


def _tokens(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.lower()))


def _dataset() -> Path:
    root = Path(__file__).resolve().parents[3]
    # ../shared beside the repository (or beside the folder holding a git worktree)
    for shared in (root / ".." / "shared", root / ".." / ".." / "shared"):
        folder = shared / "datasets" / "wcxb-dev-articles"
        if (folder / "html").is_dir():
            return folder
    pytest.skip(
        "../shared/datasets/wcxb-dev-articles is absent: no real pages to score"
    )


@pytest.mark.slow
def test_mean_f1_and_precision_floor_on_real_pages() -> None:
    folder = _dataset()
    precision_sum = f1_sum = 0.0
    scored = 0
    for path in sorted((folder / "html").glob("*.html.gz"))[:PAGES]:
        page_id = path.name.removesuffix(".html.gz")
        truth = json.loads(
            (folder / "ground-truth" / f"{page_id}.json").read_text("utf-8")
        )
        expected = _tokens(truth["ground_truth"].get("main_content") or "")
        if not expected:
            continue
        html = gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace")
        got = _tokens(clean_html(html, truth.get("url")).text)
        overlap = sum((got & expected).values())
        scored += 1
        if overlap:
            precision = overlap / sum(got.values())
            recall = overlap / sum(expected.values())
            precision_sum += precision
            f1_sum += 2 * precision * recall / (precision + recall)
    assert scored >= PAGES - 2
    assert f1_sum / scored >= FLOOR_F1
    assert precision_sum / scored >= FLOOR_PRECISION

"""Score the article cleaner against ground truth, with trafilatura and readability as baselines.

Usage (from the repository root)::

    python bench/extract.py [--dataset DIR] [--limit N] [--tools defwatch,trafilatura,readability]

The dataset folder holds ``html/<id>.html.gz`` and ``ground-truth/<id>.json`` (the layout of
``../shared/datasets/wcxb-dev-articles``, the default). The score is the one its README defines:
lower-case, tokens ``\\w+``, multiset overlap; precision, recall and F1 per page, mean over pages.
Pages whose ground truth has no word tokens are skipped and counted. Speed is pages per second of
extraction alone (parsing included) on one core, timed per page with ``time.perf_counter``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))

# ../shared beside the repository; a git worktree one level deeper (wt/<name>) looks one level up too
SHARED_CANDIDATES = (REPO_ROOT / ".." / "shared", REPO_ROOT / ".." / ".." / "shared")
DATASET_NAME = Path("datasets") / "wcxb-dev-articles"


def default_dataset() -> Path:
    for shared in SHARED_CANDIDATES:
        if (shared / DATASET_NAME).is_dir():
            return shared / DATASET_NAME
    return SHARED_CANDIDATES[0] / DATASET_NAME


TOKEN = re.compile(r"\w+")

Extractor = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class Page:
    page_id: str
    html: str
    expected: Counter[str]


@dataclass(slots=True)
class Score:
    precision: float = 0.0
    recall: float = 0.0
    f1: float = 0.0
    seconds: float = 0.0
    pages: int = 0
    errors: int = 0


def tokens(text: str) -> Counter[str]:
    return Counter(TOKEN.findall(text.lower()))


def page_score(got: Counter[str], expected: Counter[str]) -> tuple[float, float, float]:
    overlap = sum((got & expected).values())
    if not overlap:
        return 0.0, 0.0, 0.0
    precision = overlap / sum(got.values())
    recall = overlap / sum(expected.values())
    return precision, recall, 2 * precision * recall / (precision + recall)


def load_pages(dataset: Path, limit: int | None) -> tuple[list[Page], int]:
    pages: list[Page] = []
    skipped = 0
    for html_path in sorted((dataset / "html").glob("*.html.gz")):
        if limit is not None and len(pages) >= limit:
            break
        page_id = html_path.name.removesuffix(".html.gz")
        truth = json.loads(
            (dataset / "ground-truth" / f"{page_id}.json").read_text("utf-8")
        )
        expected = tokens(truth["ground_truth"].get("main_content") or "")
        if not expected:
            skipped += 1
            continue
        html = gzip.decompress(html_path.read_bytes()).decode("utf-8", errors="replace")
        pages.append(Page(page_id, html, expected))
    return pages, skipped


def defwatch_extractor() -> Extractor:
    from crawler.cleaning import clean_html

    def run(html: str) -> str:
        return "\n".join(clean_html(html).body)

    return run


def trafilatura_extractor() -> Extractor:
    import trafilatura

    def run(html: str) -> str:
        return trafilatura.extract(html, include_comments=False) or ""

    return run


def readability_extractor() -> Extractor:
    import lxml.html
    from readability import Document

    def run(html: str) -> str:
        summary = Document(html).summary(html_partial=True)
        return str(
            lxml.html.fragment_fromstring(summary, create_parent="div").text_content()
        )

    return run


def parse_only_extractor() -> Extractor:
    """lxml parsing alone: the speed ceiling of any lxml-based cleaner (scores 0)."""
    from lxml import etree

    def run(html: str) -> str:
        etree.fromstring(html, etree.HTMLParser(remove_comments=True, remove_pis=True))
        return ""

    return run


EXTRACTORS: dict[str, Callable[[], Extractor]] = {
    "lxml-parse": parse_only_extractor,
    "defwatch": defwatch_extractor,
    "trafilatura": trafilatura_extractor,
    "readability": readability_extractor,
}


def score_tool(
    extract: Extractor, pages: list[Page]
) -> Iterator[tuple[str, float, Score]]:
    """Yield (page id, F1, running score) per page."""
    score = Score()
    for page in pages:
        start = time.perf_counter()
        try:
            text = extract(page.html)
        except Exception:  # noqa: BLE001 - a crash scores 0 and is counted
            text = ""
            score.errors += 1
        score.seconds += time.perf_counter() - start
        precision, recall, f1 = page_score(tokens(text), page.expected)
        score.precision += precision
        score.recall += recall
        score.f1 += f1
        score.pages += 1
        yield page.page_id, f1, score


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", type=Path, default=default_dataset())
    parser.add_argument(
        "--limit", type=int, default=None, help="score only the first N pages"
    )
    parser.add_argument("--tools", default="defwatch,trafilatura,readability")
    parser.add_argument(
        "--worst", type=int, default=0, help="list the N worst pages per tool"
    )
    args = parser.parse_args(argv)
    if not (args.dataset / "html").is_dir():
        print(
            f"dataset not found at {args.dataset.resolve()}: expected html/<id>.html.gz and "
            "ground-truth/<id>.json (pass --dataset DIR)",
            file=sys.stderr,
        )
        return 2
    pages, skipped = load_pages(args.dataset, args.limit)
    print(
        f"{len(pages)} pages scored, {skipped} skipped (ground truth without word tokens)"
    )
    print(f"{'tool':<12} {'P':>6} {'R':>6} {'F1':>6} {'pages/s':>8} {'errors':>6}")
    for name in args.tools.split(","):
        extract = EXTRACTORS[name.strip()]()
        per_page: list[tuple[str, float]] = []
        score = Score()
        for page_id, f1, running in score_tool(extract, pages):
            per_page.append((page_id, f1))
            score = running
        n = max(score.pages, 1)
        speed = score.pages / score.seconds if score.seconds else 0.0
        print(
            f"{name:<12} {score.precision / n:6.3f} {score.recall / n:6.3f} {score.f1 / n:6.3f} "
            f"{speed:8.1f} {score.errors:6d}",
            flush=True,
        )
        if args.worst:
            worst = sorted(per_page, key=lambda item: item[1])[: args.worst]
            print("  worst:", " ".join(f"{pid}:{f1:.2f}" for pid, f1 in worst))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Run one in-process crawl for a test (a Twisted reactor cannot restart, hence a subprocess).

    python tests/crawler/run_crawl.py SPEC.json

SPEC: {"output": path, "settings": {...}, "sources": [SourceSpec fields], "known": [KnownPage
fields], "recheck": [KnownPage fields]}. Items go to ``output`` as JSON lines (collect_pipeline).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings

from crawler import settings as crawler_settings
from crawler.sources import KnownPage, SourceSpec
from crawler.spiders.news import NewsSpider


def _source(fields: dict[str, Any]) -> SourceSpec:
    return SourceSpec(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
    )


def _known(fields: dict[str, Any]) -> KnownPage:
    return KnownPage(
        **{k: tuple(v) if isinstance(v, list) else v for k, v in fields.items()}
    )


def main(spec_path: str) -> None:
    spec = json.loads(Path(spec_path).read_text(encoding="utf-8"))
    settings = Settings()
    settings.setmodule(crawler_settings, priority="project")
    settings.update(
        {
            "ITEM_PIPELINES": {"collect_pipeline.CollectPipeline": 100},
            "DEFWATCH_TEST_OUTPUT": spec["output"],
            **spec.get("settings", {}),
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings)
    process.crawl(
        NewsSpider,
        sources=[_source(s) for s in spec.get("sources", [])],
        known=[_known(k) for k in spec.get("known", [])],
        recheck=[_known(k) for k in spec.get("recheck", [])],
    )
    process.start()


if __name__ == "__main__":
    main(sys.argv[1])

"""Item pipeline for crawl tests: writes every item as one JSON line to DEFWATCH_TEST_OUTPUT,
with the time it reached the pipeline (``collected_at``, seconds since the epoch)."""

from __future__ import annotations

import dataclasses
import json
import time
from datetime import datetime
from typing import Any, TextIO


def _plain(value: Any) -> Any:
    if isinstance(value, bytes):
        return {"bytes": len(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


class CollectPipeline:
    """Appends ``{"type": <item class>, <fields>...}`` per item; bytes become their length."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.file: TextIO | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CollectPipeline:
        return cls(crawler.settings.get("DEFWATCH_TEST_OUTPUT"))

    def open_spider(self, spider: Any = None) -> None:
        self.file = open(self.path, "a", encoding="utf-8")  # noqa: SIM115 - closed in close_spider

    def close_spider(self, spider: Any = None) -> None:
        if self.file is not None:
            self.file.close()

    def process_item(self, item: Any, spider: Any = None) -> Any:
        row: dict[str, Any] = {"type": type(item).__name__, "collected_at": time.time()}
        for f in dataclasses.fields(item):
            value = getattr(item, f.name)
            if dataclasses.is_dataclass(value):
                value = {
                    k.name: _plain(getattr(value, k.name))
                    for k in dataclasses.fields(value)
                }
            row[f.name] = _plain(value)
        assert self.file is not None
        self.file.write(json.dumps(row) + "\n")
        self.file.flush()
        return item

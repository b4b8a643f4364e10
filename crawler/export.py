"""Feed exporters for ``scrapy crawl news -o out.jsonl``: items carry the raw page as bytes.

JSON has no bytes, so ``raw_html`` is written as text (decoded as UTF-8, undecodable bytes
replaced); ``raw_html_hash`` is still the hash of the exact bytes fetched.
"""

from __future__ import annotations

from typing import Any

from scrapy.exporters import JsonItemExporter, JsonLinesItemExporter
from scrapy.utils.serialize import ScrapyJSONEncoder


class BytesAsTextEncoder(ScrapyJSONEncoder):  # type: ignore[misc]
    """Scrapy's JSON encoder, plus bytes written as UTF-8 text."""

    def default(self, o: Any) -> Any:
        if isinstance(o, bytes):
            return o.decode("utf-8", errors="replace")
        return super().default(o)


class NewsJsonLinesExporter(JsonLinesItemExporter):  # type: ignore[misc]
    """JSON lines, one item per line, bytes as text."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self.encoder = BytesAsTextEncoder(**self._kwargs)


class NewsJsonExporter(JsonItemExporter):  # type: ignore[misc]
    """One JSON array of items, bytes as text."""

    def __init__(self, file: Any, **kwargs: Any) -> None:
        super().__init__(file, **kwargs)
        self.encoder = BytesAsTextEncoder(**self._kwargs)

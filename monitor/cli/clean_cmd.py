"""``defwatch clean``: run the cleaner on a file, a URL, standard input, or a JSON-lines batch."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click
import httpx

from crawler.cleaning import CleanArticle, clean_html, clean_text
from monitor.cli.output import echo_json, safe
from monitor.errors import MonitorError

MAX_FETCH_BYTES = 20 * 1024 * 1024


def article_json(article: CleanArticle) -> dict[str, object]:
    """Every field of a cleaned article, plus its text."""
    data = asdict(article)
    data.pop("removed", None)
    data["text"] = article.text
    return data


def _looks_like_html(data: bytes) -> bool:
    head = data[:2048].lstrip().lower()
    return (
        head.startswith(
            (b"<!doctype", b"<html", b"<?xml", b"<head", b"<body", b"<meta", b"<")
        )
        and b">" in head
    )


def _read_input(source: str) -> tuple[bytes, str | None]:
    if source == "-":
        return sys.stdin.buffer.read(), None
    if source.startswith(("http://", "https://")):
        try:
            response = httpx.get(source, follow_redirects=True, timeout=20.0)
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise MonitorError(f"cannot fetch {source}: {exc}") from exc
        return response.content[:MAX_FETCH_BYTES], str(response.url)
    try:
        return Path(source).read_bytes(), None
    except OSError as exc:
        raise MonitorError(f"cannot read {source}: {exc.strerror}") from exc


def _batch() -> None:
    """JSON lines in, one JSON line out per input line, in order; a bad line never ends the batch."""
    for number, line in enumerate(sys.stdin.buffer, start=1):
        if not line.strip():
            continue
        record_id: object = None
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("html"), str):
                raise TypeError("expected an object with a string 'html'")
            record_id = record.get("id")
            url = record.get("url") if isinstance(record.get("url"), str) else None
            article = clean_html(record["html"], url)
            out: dict[str, object] = {"id": record_id, **article_json(article)}
            if article.failure:
                out["error"] = article.failure
        except (ValueError, TypeError) as exc:
            out = {"id": record_id, "error": f"line {number}: {exc}"}
        sys.stdout.write(json.dumps(out, ensure_ascii=False) + "\n")
    sys.stdout.flush()


@click.command()
@click.argument("source", required=False, default="-")
@click.option("--json", "as_json", is_flag=True, help="All fields as JSON.")
@click.option(
    "--jsonl", is_flag=True, help='Batch: JSON lines {"id","html","url"?} on stdin.'
)
@click.option(
    "--text", "as_text", is_flag=True, help="Treat the input as text copied off a page."
)
def clean(source: str, as_json: bool, jsonl: bool, as_text: bool) -> None:
    """Print the cleaned article of FILE, URL or - (standard input)."""
    if jsonl:
        _batch()
        return
    data, url = _read_input(source)
    if as_text or not _looks_like_html(data):
        article = clean_text(data.decode("utf-8", errors="replace"))
    else:
        article = clean_html(
            data, url or (source if source.startswith("http") else None)
        )
    if as_json:
        echo_json(article_json(article))
        return
    if article.failure:
        raise MonitorError(f"{source}: not an article: {article.failure}")
    parts = [article.title, *article.standfirst, "", article.text]
    click.echo(safe("\n".join(parts)))

"""Serve the change corpus on 127.0.0.1, crawl it twice with the real crawler, score the result."""

from __future__ import annotations

import json
import threading
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.changes.corpus import Case, build_cases
from tests.e2e import FAST, defwatch


class _CorpusServer(ThreadingHTTPServer):
    phase = 1
    pages: dict[str, Case]
    base = ""


class _Handler(BaseHTTPRequestHandler):
    server: _CorpusServer

    def do_GET(self) -> None:
        case = self.server.pages.get(self.path)
        if self.path == "/robots.txt" or case is None:
            self.send_error(404)
            return
        state = case.first if self.server.phase == 1 else case.second
        body = case.render(state, self.server.base + case.path).encode("utf-8")
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Quiet."""


@contextmanager
def serve_corpus(cases: list[Case]) -> Iterator[_CorpusServer]:
    """Serve every case at its path; ``server.phase = 2`` switches every page to its variant."""
    with _CorpusServer(("127.0.0.1", 0), _Handler) as server:
        server.pages = {c.path: c for c in cases}
        server.base = f"http://127.0.0.1:{server.server_address[1]}"
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield server
        finally:
            server.shutdown()


@dataclass(frozen=True, slots=True)
class Outcome:
    """What defwatch made of one case."""

    case: Case
    alerted: bool
    kinds: tuple[str, ...]
    versions: int

    @property
    def correct(self) -> bool:
        """Noise: no alert and one version; edit: an alert classified as expected, two versions."""
        if self.case.expected_kind is None:
            return not self.alerted and self.versions == 1
        return (
            self.alerted
            and self.case.expected_kind in self.kinds
            and self.versions == 2
        )


def run_corpus(workdir: Path) -> list[Outcome]:
    """Crawl every case twice (the page, then its variant) and read back the changes."""
    cases = build_cases()
    db = f"sqlite:///{workdir / 'changes.sqlite3'}"
    with serve_corpus(cases) as server:
        urls = workdir / "urls.txt"
        urls.write_text("\n".join(server.base + c.path for c in cases), "utf-8")
        crawl = [
            "--db",
            db,
            "-q",
            "crawl",
            "--urls-file",
            str(urls),
            *FAST,
            "-s",
            "CONCURRENT_REQUESTS_PER_DOMAIN=16",
        ]
        first = defwatch(*crawl, timeout=600)
        if first.returncode != 0:
            raise RuntimeError(f"first crawl failed: {first.stderr[-2000:]}")
        server.phase = 2
        second = defwatch(*crawl, timeout=600)
        if second.returncode != 0:
            raise RuntimeError(f"second crawl failed: {second.stderr[-2000:]}")
        changes = json.loads(
            defwatch("--db", db, "changes", "--since", "1d", "--json", "--all").stdout
        )
        base = server.base
    by_url: dict[str, list[dict[str, object]]] = defaultdict(list)
    for change in changes:
        by_url[str(change["url"])].append(change)
    outcomes = []
    for case in cases:
        found = by_url.get(base + case.path, [])
        edits = [c for c in found if c["kind"] != "new"]
        kinds = tuple(k for c in edits for k in c["kinds"])  # type: ignore[attr-defined]
        versions = max((int(c["to_version"] or 1) for c in found), default=0)  # type: ignore[call-overload]
        outcomes.append(
            Outcome(case, any(bool(c["alerted"]) for c in edits), kinds, versions)
        )
    return outcomes


def table(outcomes: list[Outcome]) -> str:
    """Per variant: cases, alerts (noise) or detected+classified (edits)."""
    rows: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        rows[outcome.case.name.split("/", 2)[2]].append(outcome)
    lines = [f"{'variant':<34}{'type':<7}{'cases':>6}{'alerts':>8}{'correct':>9}"]
    for variant, group in rows.items():
        kind = "noise" if group[0].case.expected_kind is None else "edit"
        alerts = sum(o.alerted for o in group)
        correct = sum(o.correct for o in group)
        lines.append(f"{variant:<34}{kind:<7}{len(group):>6}{alerts:>8}{correct:>9}")
    return "\n".join(lines)

"""``defwatch status``: the operator's health check (text for people, --json for scripts)."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime

import click

from monitor.cli.context import AppContext
from monitor.cli.output import echo_json, echo_table, iso, safe
from monitor.db import session_scope
from monitor.lock import lock_path
from monitor.status import StatusReport, collect_status


def _jsonable(value: object) -> object:
    if isinstance(value, datetime):
        return iso(value)
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def status_json(report: StatusReport) -> dict[str, object]:
    """The report as JSON-ready data (times as ISO 8601 UTC)."""
    data = asdict(report)
    data["trouble"] = list(report.trouble)
    data["crawling"] = asdict(report.crawling) if report.crawling else None
    result = _jsonable(data)
    assert isinstance(result, dict)
    return result


def _when(moment: datetime | None, now: datetime) -> str:
    if moment is None:
        return "-"
    if moment <= now:
        return "due now"
    minutes = (moment - now).total_seconds() / 60
    ahead = f"in {minutes:.0f} min" if minutes < 120 else f"in {minutes / 60:.1f} h"
    return f"{iso(moment)} ({ahead})"


def _echo_text(report: StatusReport) -> None:
    now = report.now
    crawling = report.crawling.describe() if report.crawling else "no"
    click.echo(f"crawl running: {crawling}")
    echo_table(
        "Sources",
        (
            "source",
            "schedule",
            "last run",
            "last success",
            "next run",
            "re-checks due",
            "health",
        ),
        [
            (
                s.name,
                s.schedule,
                f"#{s.last_run_id} {s.last_run_status} {iso(s.last_run_at)}"
                if s.last_run_id
                else "never",
                iso(s.last_success_at) or "never",
                _when(s.next_run_at, now),
                s.due_rechecks,
                s.health if s.health == "ok" else f"{s.health}: {s.health_reason}",
            )
            for s in report.sources
        ],
    )
    echo_table(
        "Last crawl runs",
        (
            "run",
            "scope",
            "status",
            "started",
            "pages",
            "new",
            "versions",
            "changes",
            "errors",
            "held",
        ),
        [
            (
                r.id,
                r.scope,
                r.status,
                iso(r.started_at),
                r.pages,
                r.articles_new,
                r.versions_new,
                r.changes,
                r.errors,
                r.held,
            )
            for r in report.runs
        ],
    )
    for run in report.runs[:1]:
        for line in run.first_errors:
            click.echo(safe(f"  run {run.id} error: {line}"))
    counts = ", ".join(f"{n} {s}" for s, n in sorted(report.alerts.items())) or "none"
    health = (
        ", ".join(f"{n} {s}" for s, n in sorted(report.health_alerts.items())) or "none"
    )
    click.echo(f"alerts: {counts}; health alerts: {health}")
    for alert in report.failed_alerts:
        click.echo(
            safe(
                f"  {alert.kind} alert {alert.id} to {alert.channel}: {alert.status} after "
                f"{alert.attempts} attempts: {alert.last_error}"
            )
        )
    click.echo(f"sources in trouble: {', '.join(report.trouble) or 'none'}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_obj
def status(app: AppContext, as_json: bool) -> None:
    """Show whether a crawl is running, each source's next run and health, recent runs, stuck alerts."""
    with session_scope(app.sessions()) as session:
        report = collect_status(session, app.config, lock_path(app.db_url, app.environ))
    if as_json:
        echo_json(status_json(report))
    else:
        _echo_text(report)

"""``defwatch alerts ...``: list channels, show and retry undelivered alerts, send, test a channel."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

import click
from sqlalchemy import select

from alerts import AlertConfigError, AlertDeliveryError, ChangeAlert, describe_channels
from monitor.cli.context import AppContext
from monitor.cli.output import echo_json, echo_table, iso, safe
from monitor.db import session_scope
from monitor.errors import MonitorError
from monitor.models import Article, Change, Delivery
from monitor.notify import (
    channel_factory,
    channel_secrets,
    redact,
    send_pending,
)
from monitor.outbox import (
    OPEN_STATUSES,
    configured_channels,
    outbox_summary,
    requeue_failed,
)

EXIT_ERROR = 1


@click.group()
def alerts() -> None:
    """Alert channels and the outbox of alerts still to deliver."""


@alerts.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="JSON instead of text.")
@click.pass_obj
def list_channels(app: AppContext, as_json: bool) -> None:
    """Every kind of channel with its options, then the channels this config defines."""
    kinds = describe_channels()
    channels = configured_channels(app.config)
    if as_json:
        echo_json(
            {
                "kinds": [{"kind": k, "manual": doc} for k, doc in kinds],
                "configured": [
                    {
                        "name": c.name,
                        "kind": c.kind,
                        "sources": list(c.sources),
                        "keywords": list(c.keywords),
                        "digest": c.digest,
                        "digest_hour": c.digest_hour if c.digest == "daily" else None,
                        "options": sorted(c.options),  # names only
                    }
                    for c in channels
                ],
            }
        )
        return
    for kind, manual in kinds:
        click.echo(f"== {kind}")
        click.echo(manual)
        click.echo()
    echo_table(
        "Configured channels" + ("" if app.config.channels else " (default)"),
        ["name", "kind", "sources", "keywords", "digest", "options"],
        [
            (
                c.name,
                c.kind,
                ", ".join(c.sources) or "all",
                ", ".join(c.keywords) or "any",
                _digest_label(c.digest, c.digest_hour),
                ", ".join(sorted(c.options)),  # names only: values may be addresses
            )
            for c in channels
        ],
    )


def _digest_label(digest: str | None, hour: int) -> str:
    if digest is None:
        return "each change"
    return f"daily at {hour:02}:00 UTC" if digest == "daily" else str(digest)


@alerts.command()
@click.option("--json", "as_json", is_flag=True, help="JSON array instead of a table.")
@click.pass_obj
def pending(app: AppContext, as_json: bool) -> None:
    """Alerts not delivered yet (pending, sending) or given up on (failed), with the last error."""
    secrets = channel_secrets(configured_channels(app.config), app.environ)
    with session_scope(app.sessions()) as session:
        rows = session.execute(
            select(Delivery, Article.title, Article.canonical_url)
            .join(Change, Change.id == Delivery.change_id)
            .join(Article, Article.id == Change.article_id)
            .where(Delivery.status.in_(OPEN_STATUSES))
            .order_by(Delivery.status, Delivery.id)
        ).all()
        items = [
            {
                "id": d.id,
                "status": d.status,
                "channel": d.channel,
                "change_id": d.change_id,
                "attempts": d.attempts,
                "next_attempt_at": iso(d.next_attempt_at)
                if d.status == "pending"
                else None,
                "claimed_by": d.claimed_by,
                "claimed_until": iso(d.claimed_until),
                "digest_period": d.digest_period,
                "title": safe(title),
                "url": url,
                "last_error": redact(d.last_error, secrets) if d.last_error else None,
            }
            for d, title, url in rows
        ]
        summary = outbox_summary(session)
    if as_json:
        echo_json(items)
        return
    click.echo(
        f"{summary.pending} pending, {summary.sending} sending, {summary.failed} failed"
    )
    if not items:
        return
    echo_table(
        "Undelivered alerts",
        ["id", "status", "channel", "attempts", "next try / digest", "article"],
        [
            (
                i["id"],
                i["status"],
                i["channel"],
                i["attempts"],
                _when(i),
                i["title"],
            )
            for i in items
        ],
    )
    for i in items:  # errors in full, one line each (a table would wrap them)
        if i["last_error"]:
            click.echo(f"#{i['id']} {i['status']}: {safe(str(i['last_error']))}")


def _when(item: Mapping[str, object]) -> str:
    if item["status"] == "sending":
        return f"being sent (lease until {item['claimed_until']})"
    if item["status"] == "failed":
        return "-"
    digest = f" (digest {item['digest_period']})" if item["digest_period"] else ""
    return f"{item['next_attempt_at']}{digest}"


@alerts.command()
@click.option(
    "--id", "ids", type=int, multiple=True, metavar="N", help="A failed delivery."
)
@click.option("--all-failed", is_flag=True, help="Every failed delivery.")
@click.pass_obj
def retry(app: AppContext, ids: tuple[int, ...], all_failed: bool) -> None:
    """Put failed deliveries back in the outbox (with fresh attempts); `alerts send` sends them."""
    if bool(ids) == all_failed:
        raise click.UsageError("give --id N (one or more) or --all-failed")
    now = datetime.now(UTC)
    with session_scope(app.sessions()) as session:
        if ids:
            statuses = dict(
                session.execute(
                    select(Delivery.id, Delivery.status).where(
                        Delivery.id.in_(list(ids))
                    )
                ).all()
            )
            for delivery_id in ids:
                status = statuses.get(delivery_id)
                if status != "failed":
                    raise MonitorError(
                        f"delivery {delivery_id} is {status or 'unknown'}, not failed; "
                        "see `defwatch alerts pending`"
                    )
        count = requeue_failed(session, list(ids) if ids else None, now)
    click.echo(
        f"re-queued {count} failed alert(s); `defwatch alerts send` sends them now"
    )


@alerts.command()
@click.pass_obj
def send(app: AppContext) -> None:
    """Send every due alert once (one sweep of the outbox); exit 1 if some failed for good."""
    report = send_pending(
        app.sessions(),
        app.config,
        channel_factory(app.environ),
        secrets=channel_secrets(configured_channels(app.config), app.environ),
    )
    click.echo(
        f"sent {report.sent}, retrying later {report.retrying}, failed {report.failed}"
    )
    if report.failed:
        click.echo("see `defwatch alerts pending` for the errors", err=True)
        raise SystemExit(EXIT_ERROR)


def sample_alert(now: datetime) -> ChangeAlert:
    """The made-up change `alerts test` sends."""
    return ChangeAlert(
        change_id=0,
        source="defwatch-test",
        url="https://example.org/defwatch-test-alert",
        title="defwatch test alert: navy frigate programme delayed",
        kind="edited",
        kinds=("edited", "numbers"),
        summary="test alert from `defwatch alerts test`; 1 paragraph edited",
        detected_at=now,
        from_version=1,
        to_version=2,
        diff_text=(
            "--- version 1\n+++ version 2\n@@ -1 +1 @@\n"
            "-The first frigate is due in 2027.\n+The first frigate is due in 2029.\n"
        ),
        significance=0.1,
        words_added=1,
        words_removed=1,
        article_key="defwatch-test",
    )


@alerts.command()
@click.argument("channel")
@click.pass_obj
def test(app: AppContext, channel: str) -> None:
    """Send a sample alert through the configured channel named CHANNEL; one line says how it went."""
    channels = {c.name: c for c in configured_channels(app.config)}
    config = channels.get(channel)
    if config is None:
        known = ", ".join(sorted(channels))
        raise click.UsageError(f"no channel named {channel!r} (configured: {known})")
    now = datetime.now(UTC)
    secrets = channel_secrets([config], app.environ)
    key = f"defwatch-test-{channel}-{now.strftime('%Y%m%dT%H%M%S%f')}"
    try:
        built = channel_factory(app.environ)(config)
        try:
            built.send(sample_alert(now), idempotency_key=key)
        finally:
            built.close()
    except (AlertDeliveryError, AlertConfigError) as exc:
        click.echo(
            f"failed: {channel} ({config.kind}): {redact(str(exc), secrets)}", err=True
        )
        raise SystemExit(EXIT_ERROR) from None
    click.echo(f"ok: test alert sent through {channel} ({config.kind})")

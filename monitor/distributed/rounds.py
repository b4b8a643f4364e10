"""``defwatch enqueue``: one round of work (due re-checks, discovery, watched URLs) into Redis."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from monitor.config import AppConfig
from monitor.crawl import CrawlRequest, known_pages, select_sources
from monitor.db import ensure_schema, make_engine, session_factory, session_scope
from monitor.distributed.queue import QueueKeys, RoundSummary, messages_for, push_round


def enqueue_round(
    config: AppConfig,
    db_url: str,
    client: Any,
    keys: QueueKeys,
    request: CrawlRequest,
    now: datetime,
) -> RoundSummary:
    """Push the articles due for a re-check at ``now`` and the sources' discovery pages."""
    engine = make_engine(db_url)
    ensure_schema(engine)
    specs = select_sources(config, request)
    with session_scope(session_factory(engine)) as session:
        recheck = (
            known_pages(session, [s.name for s in specs], due_before=now)
            if request.recheck_due
            else []
        )
    engine.dispose()
    messages = messages_for(specs, recheck)
    new_round = push_round(client, keys, messages)
    return RoundSummary(
        pushed=len(messages),
        new_round=new_round,
        rechecks=len(recheck),
        discovery=len(messages) - len(recheck),
    )

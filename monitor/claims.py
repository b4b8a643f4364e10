"""Leases on outbox rows, so two senders (the daemon and a cron ``alerts send``) never send one
delivery at the same time.

A sender claims a row with one atomic ``UPDATE ... WHERE id = ? AND <claimable>``: only one UPDATE
can move a row from ``pending`` to ``sending``, so the sender whose UPDATE changed a row owns it.
A ``sending`` row is claimable again only when its lease (``claimed_until``) has run out, or when
its sender was a process on this host that no longer exists (killed mid-send).
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, or_, select, update
from sqlalchemy.orm import Session

from monitor.models import Delivery

logger = logging.getLogger(__name__)


def host_id() -> str:
    """This host as process ids see it: the host name plus, on Linux, the PID namespace (two
    containers sharing a host name do not share process ids)."""
    try:
        namespace = f"/{os.stat('/proc/self/ns/pid').st_ino}"
    except OSError:
        namespace = ""
    return socket.gethostname().replace(":", "_") + namespace


def new_sender_id() -> str:
    """A name for this sweep: host, process id and a random part (unique per sweep)."""
    return f"{host_id()}:{os.getpid()}:{secrets.token_hex(4)}"


def _process_gone(sender: str, host: str) -> bool:
    """True when ``sender`` ran on this host in a process that has ended."""
    parts = sender.split(":")
    if len(parts) != 3 or parts[0] != host or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, owned by another user
    return False


def claimable(now: datetime) -> ColumnElement[bool]:
    """Rows a sender may take: due pending ones, and sending ones whose lease ran out."""
    return or_(
        and_(Delivery.status == "pending", Delivery.next_attempt_at <= now),
        and_(
            Delivery.status == "sending",
            or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < now),
        ),
    )


def release_orphans(session: Session) -> int:
    """End the leases of rows whose sender process on this host is gone; returns how many."""
    host = host_id()
    rows = session.execute(
        select(Delivery.id, Delivery.claimed_by).where(
            Delivery.status == "sending", Delivery.claimed_by.is_not(None)
        )
    ).all()
    released = 0
    for delivery_id, owner in rows:
        if owner and _process_gone(owner, host):
            released += _count(
                session.execute(
                    update(Delivery)
                    .where(Delivery.id == delivery_id, Delivery.claimed_by == owner)
                    .values(claimed_until=None)
                    .execution_options(synchronize_session=False)
                )
            )
    if released:
        logger.warning(
            "%d alert(s) were being sent by a process that ended; they are sent again "
            "under the same idempotency key",
            released,
        )
    return released


def due_singles(session: Session, now: datetime) -> list[tuple[int, str]]:
    """(id, channel) of claimable deliveries that go out on their own, oldest first."""
    return list(
        session.execute(
            select(Delivery.id, Delivery.channel)
            .where(Delivery.digest_period.is_(None), claimable(now))
            .order_by(Delivery.id)
        ).all()
    )


def due_digests(session: Session, now: datetime) -> list[tuple[str, str]]:
    """(channel, period) of every digest with at least one claimable delivery."""
    rows = session.execute(
        select(Delivery.channel, Delivery.digest_period)
        .where(Delivery.digest_period.is_not(None), claimable(now))
        .group_by(Delivery.channel, Delivery.digest_period)
        .order_by(Delivery.digest_period, Delivery.channel)
    ).all()
    return [(channel, period) for channel, period in rows if period is not None]


def _claim_values(sender: str, now: datetime, lease: timedelta) -> dict[str, object]:
    return {
        "status": "sending",
        "claimed_by": sender,
        "claimed_until": now + lease,
        "attempts": Delivery.attempts + 1,
    }


def claim_single(
    session: Session, delivery_id: int, sender: str, now: datetime, lease: timedelta
) -> bool:
    """Take one delivery for ``sender``; False when another sender has it or it is not due."""
    result = session.execute(
        update(Delivery)
        .where(
            Delivery.id == delivery_id,
            Delivery.digest_period.is_(None),
            claimable(now),
        )
        .values(_claim_values(sender, now, lease))
        .execution_options(synchronize_session=False)
    )
    return _count(result) == 1


def claim_digest(
    session: Session,
    channel: str,
    period: str,
    sender: str,
    now: datetime,
    lease: timedelta,
) -> list[int]:
    """Take every claimable delivery of one digest for ``sender``; returns their ids."""
    session.execute(
        update(Delivery)
        .where(
            Delivery.channel == channel,
            Delivery.digest_period == period,
            claimable(now),
        )
        .values(_claim_values(sender, now, lease))
        .execution_options(synchronize_session=False)
    )
    return list(
        session.scalars(
            select(Delivery.id)
            .where(
                Delivery.channel == channel,
                Delivery.digest_period == period,
                Delivery.status == "sending",
                Delivery.claimed_by == sender,
            )
            .order_by(Delivery.change_id)
        )
    )


def owned(session: Session, ids: Sequence[int], sender: str) -> list[Delivery]:
    """The rows of ``ids`` still claimed by ``sender`` (a lease may have been taken over)."""
    return list(
        session.scalars(
            select(Delivery).where(
                Delivery.id.in_(list(ids)),
                Delivery.status == "sending",
                Delivery.claimed_by == sender,
            )
        )
    )


def _count(result: object) -> int:
    count = getattr(result, "rowcount", 0)
    return int(count) if isinstance(count, int) else 0

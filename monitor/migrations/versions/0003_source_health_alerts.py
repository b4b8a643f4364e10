"""The health_alerts table: per-channel alerts when a source breaks or recovers.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 12:05:05.114488
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "health_alerts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("episode", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=40), nullable=False),
        sa.Column("channel", sa.String(length=200), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("detected_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("episode", "kind", "channel"),
    )
    with op.batch_alter_table("health_alerts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_health_alerts_source"), ["source"], unique=False
        )
        batch_op.create_index(
            "ix_health_alerts_status_next", ["status", "next_attempt_at"], unique=False
        )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("health_alerts", schema=None) as batch_op:
        batch_op.drop_index("ix_health_alerts_status_next")
        batch_op.drop_index(batch_op.f("ix_health_alerts_source"))

    op.drop_table("health_alerts")

"""outbox leases and digests: deliveries.claimed_by, claimed_until, digest_period

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 10:55:00

Written on branch ``outbox`` for the migrations of branch ``db``; renumber (revision and
down_revision) if another 0002 reached main first.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("claimed_by", sa.String(length=200), nullable=True)
        )
        batch_op.add_column(
            sa.Column("claimed_until", sa.DateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(
            sa.Column("digest_period", sa.String(length=40), nullable=True)
        )


def downgrade() -> None:
    """Undo this revision."""
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("digest_period")
        batch_op.drop_column("claimed_until")
        batch_op.drop_column("claimed_by")

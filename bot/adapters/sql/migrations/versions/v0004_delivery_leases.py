"""Delivery claims, so that replicas sharing a database never post an alert twice."""

from __future__ import annotations

from alembic import op

from bot.adapters.sql.migrations import apply

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    apply("0004_delivery_leases.sql")


def downgrade() -> None:
    op.execute("ALTER TABLE deliveries DROP COLUMN lease_until")
    op.execute("ALTER TABLE deliveries DROP COLUMN lease_owner")

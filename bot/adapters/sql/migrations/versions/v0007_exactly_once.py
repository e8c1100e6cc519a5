"""Exactly-once delivery: process owners, the sending state, the notice outbox."""

from __future__ import annotations

from alembic import op

from bot.adapters.sql.migrations import apply

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    apply("0007_exactly_once.sql")


def downgrade() -> None:
    op.execute("DROP INDEX outbox_due")
    op.execute("DROP TABLE outbox")
    op.execute("DROP INDEX deliveries_owner")
    op.execute("ALTER TABLE deliveries DROP COLUMN sending_at")
    op.execute("DROP TABLE owners")

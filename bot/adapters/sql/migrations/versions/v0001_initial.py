"""Feeds, feed states, stories, items, deliveries and feedback."""

from __future__ import annotations

from alembic import op

from bot.adapters.sql.migrations import apply

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    apply("0001_initial.sql")


def downgrade() -> None:
    op.execute("DROP TABLE feedback")
    op.execute("DROP TABLE deliveries")
    op.execute("DROP TABLE items")
    op.execute("DROP TABLE stories")
    op.execute("DROP TABLE feed_state")
    op.execute("DROP TABLE feeds")

"""Feed health: each feed's learned rhythm and the status last announced."""

from __future__ import annotations

from alembic import op

from bot.adapters.sql.migrations import apply

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    apply("0005_feed_health.sql")


def downgrade() -> None:
    op.execute("DROP TABLE feed_health")

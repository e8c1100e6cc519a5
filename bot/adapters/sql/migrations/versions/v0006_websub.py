"""WebSub subscriptions and refused pushes."""

from __future__ import annotations

from alembic import op

from bot.adapters.sql.migrations import apply

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    apply("0006_websub.sql")


def downgrade() -> None:
    op.execute("DROP TABLE websub_refusals")
    op.execute("DROP TABLE websub_subscriptions")

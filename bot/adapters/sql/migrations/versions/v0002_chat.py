"""Routes and feeds managed from chat, story mutes, and where each feed came from."""

from __future__ import annotations

from alembic import op

from bot.adapters.sql.migrations import apply

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    apply("0002_chat.sql")


def downgrade() -> None:
    op.execute("ALTER TABLE feeds DROP COLUMN origin")
    op.execute("DROP TABLE mutes")
    op.execute("DROP TABLE chat_routes")

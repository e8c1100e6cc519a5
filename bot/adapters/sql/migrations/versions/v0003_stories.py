"""Story threads, follow-ups, deadline reminders and scheduled digests."""

from __future__ import annotations

from alembic import op

from bot.adapters.sql.migrations import apply

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    apply("0003_stories.sql")


def downgrade() -> None:
    op.execute("DROP TABLE digests_sent")
    op.execute("DROP TABLE reminders")
    op.execute("DROP INDEX deliveries_story")
    op.execute("ALTER TABLE deliveries DROP COLUMN followup")
    op.execute("ALTER TABLE deliveries DROP COLUMN story_id")

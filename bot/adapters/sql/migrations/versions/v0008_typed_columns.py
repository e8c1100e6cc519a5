"""Typed columns: timestamps become ``timestamptz`` and deadline days ``date`` on PostgreSQL,
and the bookkeeping of the runner that preceded Alembic goes.

SQLite keeps its fixed-width ISO-8601 UTC text (it has no date type; that text orders and
compares correctly), so there this revision only drops ``schema_migrations``. The integer
columns (flags, counters, votes, pids) were integers from the start.
"""

from __future__ import annotations

from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

TIMESTAMPS: dict[str, tuple[str, ...]] = {
    "feeds": ("added_at",),
    "feed_state": ("next_poll_at", "lease_until"),
    "stories": ("first_seen", "last_seen"),
    "items": ("published", "seen_at"),
    "deliveries": ("next_attempt_at", "created_at", "sent_at", "lease_until", "sending_at"),
    "feedback": ("created_at",),
    "chat_routes": ("created_at",),
    "mutes": ("created_at",),
    "reminders": ("sent_at",),
    "digests_sent": ("sent_at",),
    "websub_refusals": ("at",),
    "owners": ("started_at", "heartbeat_at"),
    "outbox": ("next_attempt_at", "created_at", "sending_at", "sent_at"),
}
"""Every timestamp column, by table."""
DATES: dict[str, tuple[str, ...]] = {"reminders": ("due_date", "remind_on")}
"""Calendar days (ISO ``YYYY-MM-DD``), by table."""

_TEXT_TS = """to_char("{c}" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')"""


def _alter(table: str, changes: list[str]) -> None:
    op.execute(f"ALTER TABLE {table} " + ", ".join(changes))


def upgrade() -> None:
    op.execute("DROP TABLE IF EXISTS schema_migrations")
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in sorted(TIMESTAMPS.keys() | DATES.keys()):
        changes = [
            f'ALTER COLUMN "{c}" TYPE timestamptz USING "{c}"::timestamptz'
            for c in TIMESTAMPS.get(table, ())
        ]
        changes += [f'ALTER COLUMN "{c}" TYPE date USING "{c}"::date' for c in DATES.get(table, ())]
        _alter(table, changes)  # one rewrite of each table


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in sorted(TIMESTAMPS.keys() | DATES.keys()):
            changes = [
                f'ALTER COLUMN "{c}" TYPE text USING {_TEXT_TS.format(c=c)}'
                for c in TIMESTAMPS.get(table, ())
            ]
            changes += [
                f'ALTER COLUMN "{c}" TYPE text USING to_char("{c}", \'YYYY-MM-DD\')'
                for c in DATES.get(table, ())
            ]
            _alter(table, changes)
    # What the runner before Alembic reads to know 0001-0007 are applied.
    op.execute(
        "CREATE TABLE schema_migrations "
        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
    )
    for version, name in enumerate(
        ("initial", "chat", "stories", "delivery_leases", "feed_health", "websub", "exactly_once"),
        start=1,
    ):
        op.execute(
            "INSERT INTO schema_migrations VALUES "
            f"({version}, '{name}', '1970-01-01T00:00:00.000000Z')"
        )

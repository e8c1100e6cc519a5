"""Feed health records, with the announced status changed only by the replica that claims it,
in the same transaction that queues its notice."""

from __future__ import annotations

from datetime import datetime

from bot.adapters.sql.base import SqlBase
from bot.adapters.sql.claims import queue_notice_in
from bot.adapters.sql.driver import DatabaseError
from bot.domain.feed_health import HealthRecord
from bot.errors import StoreError
from bot.ports import Notice

_SAVE = (
    "INSERT INTO feed_health (name, notified, record) VALUES (:n, :s, :r) "
    "ON CONFLICT (name) DO UPDATE SET notified = excluded.notified, "
    "record = excluded.record WHERE feed_health.notified = :expect RETURNING name"
)


def _params(record: HealthRecord, expect: str) -> dict[str, str]:
    return {
        "n": record.feed,
        "s": record.notified,
        "r": record.model_dump_json(),
        "expect": expect,
    }


class _AnnouncedElsewhereError(Exception):
    """Rolls back an announcement another process made first."""


class HealthMixin(SqlBase):
    async def feed_health(self, name: str) -> HealthRecord | None:
        rows = await self._run("SELECT record FROM feed_health WHERE name = :n", {"n": name})
        return HealthRecord.model_validate_json(rows[0][0]) if rows else None

    async def save_feed_health(self, record: HealthRecord, *, expect: str) -> bool:
        """Save ``record`` if the status announced so far is still ``expect`` (or none is
        recorded); False when another process changed it first."""
        return bool(await self._run(_SAVE, _params(record, expect)))

    async def announce_feed_health(
        self, record: HealthRecord, notice: Notice, *, expect: str, now: datetime
    ) -> bool:
        """Save ``record`` and queue its ``notice`` in one transaction, if the status announced
        so far is still ``expect``; False (nothing saved or queued) when another process
        changed it first."""
        try:
            async with self._begin() as conn:
                saved = await conn.execute(_SAVE, _params(record, expect))
                if not saved.fetchall():
                    raise _AnnouncedElsewhereError
                await queue_notice_in(conn, notice, now)
                return True
        except _AnnouncedElsewhereError:
            return False
        except DatabaseError as exc:
            raise StoreError(f"could not announce the health of feed {record.feed}: {exc}") from exc

"""Feed health records, with the announced status changed only by the replica that claims it."""

from __future__ import annotations

from bot.adapters.sql.base import SqlBase
from bot.domain.feed_health import HealthRecord


class HealthMixin(SqlBase):
    async def feed_health(self, name: str) -> HealthRecord | None:
        rows = await self._run("SELECT record FROM feed_health WHERE name = :n", {"n": name})
        return HealthRecord.model_validate_json(rows[0][0]) if rows else None

    async def save_feed_health(self, record: HealthRecord, *, expect: str) -> bool:
        """Save ``record`` if the status announced so far is still ``expect`` (or none is
        recorded); False when another process changed it first."""
        rows = await self._run(
            "INSERT INTO feed_health (name, notified, record) VALUES (:n, :s, :r) "
            "ON CONFLICT (name) DO UPDATE SET notified = excluded.notified, "
            "record = excluded.record WHERE feed_health.notified = :expect RETURNING name",
            {
                "n": record.feed,
                "s": record.notified,
                "r": record.model_dump_json(),
                "expect": expect,
            },
        )
        return bool(rows)

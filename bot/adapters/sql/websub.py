"""The store's WebSub part: subscriptions (one per feed) and refused pushes."""

from __future__ import annotations

import uuid
from datetime import datetime

from bot.adapters.sql.base import SqlBase, parse_ts
from bot.domain.websub import Subscription


class WebSubMixin(SqlBase):
    """Implements ``bot.ports.WebSubStore``."""

    async def websub_subscription(self, feed: str) -> Subscription | None:
        rows = await self._run(
            "SELECT record FROM websub_subscriptions WHERE feed = :f", {"f": feed}
        )
        return Subscription.model_validate_json(rows[0][0]) if rows else None

    async def websub_by_callback(self, callback: str) -> Subscription | None:
        rows = await self._run(
            "SELECT record FROM websub_subscriptions WHERE callback = :c", {"c": callback}
        )
        return Subscription.model_validate_json(rows[0][0]) if rows else None

    async def websub_subscriptions(self) -> list[Subscription]:
        rows = await self._run("SELECT record FROM websub_subscriptions ORDER BY feed")
        return [Subscription.model_validate_json(r[0]) for r in rows]

    async def save_websub(self, sub: Subscription) -> None:
        params = {"f": sub.feed, "c": sub.callback, "s": sub.state, "r": sub.model_dump_json()}
        await self._run("DELETE FROM websub_subscriptions WHERE feed = :f", {"f": sub.feed})
        await self._run(
            "INSERT INTO websub_subscriptions (feed, callback, state, record) "
            "VALUES (:f, :c, :s, :r)",
            params,
        )

    async def delete_websub(self, feed: str) -> None:
        await self._run("DELETE FROM websub_subscriptions WHERE feed = :f", {"f": feed})

    async def record_websub_refusal(
        self, callback: str, feed: str | None, reason: str, now: datetime
    ) -> None:
        await self._run(
            "INSERT INTO websub_refusals (id, at, callback, feed, reason) "
            "VALUES (:i, :t, :c, :f, :r)",
            {
                "i": uuid.uuid4().hex,
                "t": self._ts(now),
                "c": callback[:200],
                "f": feed,
                "r": reason[:500],
            },
        )

    async def websub_refusals(self, since: datetime) -> list[tuple[datetime, str, str]]:
        rows = await self._run(
            "SELECT at, COALESCE(feed, callback), reason FROM websub_refusals "
            "WHERE at >= :t ORDER BY at",
            {"t": self._ts(since)},
        )
        return [(parse_ts(r[0]) or since, r[1], r[2]) for r in rows]

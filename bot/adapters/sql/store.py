"""The state store on SQLite (embedded default, WAL) or PostgreSQL, through SQLAlchemy Core.

One schema, managed by Alembic (``migrations/versions``, brought to head at start, see
``schema``); the same contract tests run against both databases.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.adapters.sql.base import (
    IN_CHUNK,
    ITEM_COLUMNS,
    ITEM_WIDTH,
    delivery_key,
    item_row,
    parse_ts,
)
from bot.adapters.sql.batches import BatchMixin
from bot.adapters.sql.claims import BUSY, FREE, default_owner
from bot.adapters.sql.health import HealthMixin
from bot.adapters.sql.websub import WebSubMixin
from bot.domain.config import Destination, FeedSpec, Route
from bot.domain.followups import FollowUp
from bot.domain.models import Assessment, Item
from bot.domain.schedule import FeedState
from bot.ports import Alert, ItemRecord, PendingDelivery


class SqlStore(BatchMixin, HealthMixin, WebSubMixin):
    """Implements ``bot.ports.Store``."""

    def __init__(self, url: str, *, owner: str | None = None) -> None:
        super().__init__(url)
        self.owner = owner or default_owner()  # this process, for claims

    # feeds ---------------------------------------------------------------------------------
    async def feed_state(self, name: str) -> FeedState:
        rows = await self._run("SELECT state FROM feed_state WHERE name = :n", {"n": name})
        return FeedState.model_validate_json(rows[0][0]) if rows else FeedState(name=name)

    async def save_feed_state(self, state: FeedState) -> None:
        """Save the state after a poll, releasing this process's claim on the feed."""
        await self.save_feed_states([state])

    async def user_feeds(self) -> list[FeedSpec]:
        rows = await self._run("SELECT spec FROM feeds ORDER BY added_at, name")
        return [FeedSpec.model_validate_json(r[0]) for r in rows]

    async def add_user_feed(
        self, spec: FeedSpec, added_by: str, now: datetime, *, origin: str = "cli"
    ) -> bool:
        rows = await self._run(
            "INSERT INTO feeds (name, spec, added_by, added_at, origin) VALUES (:n, :s, :b, :t, :o) "
            "ON CONFLICT (name) DO NOTHING RETURNING name",
            {
                "n": spec.name,
                "s": spec.model_dump_json(),
                "b": added_by,
                "t": self._ts(now),
                "o": origin,
            },
        )
        return bool(rows)

    async def chat_feed_names(self) -> set[str]:
        """Names of feeds added from chat (their URLs are checked against the address guard)."""
        rows = await self._run("SELECT name FROM feeds WHERE origin = 'chat'")
        return {r[0] for r in rows}

    async def remove_user_feed(self, name: str) -> bool:
        rows = await self._run("DELETE FROM feeds WHERE name = :n RETURNING name", {"n": name})
        return bool(rows)

    # items and deliveries ------------------------------------------------------------------
    async def known_keys(self, feed: str, keys: list[str]) -> set[str]:
        found: set[str] = set()
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            marks = ", ".join(f":k{i}" for i in range(len(chunk)))
            rows = await self._run(
                f"SELECT key FROM items WHERE feed = :feed AND key IN ({marks})",
                {"feed": feed, **{f"k{i}": k for i, k in enumerate(chunk)}},
            )
            found.update(r[0] for r in rows)
        return found

    async def record_item(
        self,
        item: Item,
        assessment: Assessment | None,
        alerts: list[Alert],
        now: datetime,
        *,
        deliver: bool = True,
    ) -> bool:
        record = ItemRecord(item=item, assessment=assessment, alerts=alerts, deliver=deliver)
        return bool(await self.record_items([record], now))

    async def due_deliveries(self, now: datetime, limit: int = 100) -> list[PendingDelivery]:
        """Claim up to ``limit`` due deliveries for this process and return them in order.
        Another process sharing the database never gets a delivery this one holds while it
        heartbeats, nor one for a destination this one is delivering to; a delivery that began
        sending comes back with ``sending_since`` set."""
        await self.heartbeat(now)
        params = {**self._claim_params(now), "limit": limit}
        await self._run(
            "UPDATE deliveries SET lease_owner = :owner "
            f"WHERE {FREE} AND (feed, item_key, destination) IN ("
            "SELECT feed, item_key, destination FROM deliveries "
            f"WHERE status IN ('pending', 'held', 'sending') AND next_attempt_at <= :now AND {FREE} "
            f"AND destination NOT IN {BUSY} "  # one process per destination: in order
            "ORDER BY created_at LIMIT :limit)",
            params,
        )
        rows = await self._run(
            f"SELECT {ITEM_COLUMNS}, d.destination, d.route, d.mention, d.attempts, d.followup, "
            "d.status, d.sending_at, d.created_at "
            "FROM deliveries d JOIN items i ON i.feed = d.feed AND i.key = d.item_key "
            "WHERE d.status IN ('pending', 'held', 'sending') AND d.next_attempt_at <= :now "
            "AND d.lease_owner = :owner "
            "ORDER BY d.created_at, i.published, i.key LIMIT :limit",
            params,
        )
        pending = []
        for row in rows:
            item, assessment = item_row(row[:ITEM_WIDTH], self._queued)
            dest, route, mention, attempts, followup, status, sending_at, queued_at = row[
                ITEM_WIDTH:
            ]
            if assessment is None:  # pragma: no cover - a queued delivery always has one
                continue
            alert = Alert(
                item=item,
                assessment=assessment,
                destination=Destination.parse(dest),
                route=route,
                mention=mention,
                followup=FollowUp.model_validate_json(followup) if followup else None,
                key=delivery_key(item.feed, item.key, dest),
            )
            pending.append(
                PendingDelivery(
                    alert=alert,
                    attempts=attempts,
                    held=status == "held",
                    sending_since=parse_ts(sending_at) if status == "sending" else None,
                    queued_at=parse_ts(queued_at),
                )
            )
        for row in rows:  # read back: kept no longer
            self._queued.pop(row[ITEM_WIDTH - 2], None)  # the assessment's JSON
        return pending

    def _delivery_key(self, alert: Alert) -> dict[str, Any]:
        return {"f": alert.item.feed, "k": alert.item.key, "d": alert.destination.key}

    async def begin_send(self, alert: Alert, now: datetime) -> bool:
        rows = await self._run(
            "UPDATE deliveries SET status = 'sending', sending_at = COALESCE(sending_at, :t) "
            "WHERE feed = :f AND item_key = :k AND destination = :d AND lease_owner = :o "
            "AND status IN ('pending', 'sending') RETURNING item_key",
            {"t": self._ts(now), "o": self.owner, **self._delivery_key(alert)},
        )
        return bool(rows)

    async def mark_sent(self, alert: Alert, message_id: str, now: datetime) -> bool:
        rows = await self._run(
            "UPDATE deliveries SET status = 'sent', message_id = :mid, sent_at = :t, "
            "attempts = attempts + 1, last_error = NULL, lease_owner = NULL "
            "WHERE feed = :f AND item_key = :k AND destination = :d AND lease_owner = :o "
            "AND status IN ('pending', 'sending') RETURNING item_key",
            {"mid": message_id, "t": self._ts(now), "o": self.owner, **self._delivery_key(alert)},
        )
        return bool(rows)

    async def mark_retry(self, alert: Alert, error: str, retry_at: datetime) -> None:
        await self._run(
            "UPDATE deliveries SET attempts = attempts + 1, last_error = :e, next_attempt_at = :t, "
            "lease_owner = NULL, lease_until = NULL "
            "WHERE feed = :f AND item_key = :k AND destination = :d AND lease_owner = :o",
            {
                "e": error[:500],
                "t": self._ts(retry_at),
                "o": self.owner,
                **self._delivery_key(alert),
            },
        )

    async def mark_failed(self, alert: Alert, error: str) -> None:
        await self._run(
            "UPDATE deliveries SET status = 'failed', attempts = attempts + 1, last_error = :e, "
            "lease_owner = NULL WHERE feed = :f AND item_key = :k AND destination = :d "
            "AND lease_owner = :o",
            {"e": error[:500], "o": self.owner, **self._delivery_key(alert)},
        )

    async def counts(self, since: datetime) -> dict[str, int]:
        params = {"since": self._ts(since)}
        items = await self._run(
            "SELECT COUNT(*), COALESCE(SUM(relevant), 0) FROM items WHERE seen_at >= :since", params
        )
        by_status = await self._run(
            "SELECT status, COUNT(*) FROM deliveries WHERE created_at >= :since "
            "OR status IN ('pending', 'sending') "
            "GROUP BY status",
            params,
        )
        statuses = {row[0]: int(row[1]) for row in by_status}
        return {
            "items": int(items[0][0]),
            "relevant": int(items[0][1]),
            "sent": statuses.get("sent", 0),
            "pending": statuses.get("pending", 0) + statuses.get("sending", 0),
            "failed": statuses.get("failed", 0),
            "skipped": statuses.get("skipped", 0),
        }

    # routes, feedback and mutes managed from chat ------------------------------------------
    async def chat_routes(self, destination: str | None = None) -> list[Route]:
        if destination is None:
            rows = await self._run("SELECT spec FROM chat_routes ORDER BY created_at, name")
        else:
            rows = await self._run(
                "SELECT spec FROM chat_routes WHERE destination = :d ORDER BY created_at, name",
                {"d": destination},
            )
        return [Route.model_validate_json(r[0], context={"stored": True}) for r in rows]

    async def add_chat_route(self, route: Route, created_by: str, now: datetime) -> bool:
        rows = await self._run(
            "INSERT INTO chat_routes (name, destination, spec, created_by, created_at) "
            "VALUES (:n, :d, :s, :b, :t) ON CONFLICT (name) DO NOTHING RETURNING name",
            {
                "n": route.name,
                "d": route.to.key,
                "s": route.model_dump_json(),
                "b": created_by,
                "t": self._ts(now),
            },
        )
        return bool(rows)

    async def remove_chat_route(self, name: str, destination: str) -> bool:
        rows = await self._run(
            "DELETE FROM chat_routes WHERE name = :n AND destination = :d RETURNING name",
            {"n": name, "d": destination},
        )
        return bool(rows)

    async def record_feedback(
        self, feed: str, item_key: str, user_id: str, vote: int, destination: str, now: datetime
    ) -> None:
        await self._run(
            "INSERT INTO feedback (feed, item_key, user_id, vote, destination, created_at) "
            "VALUES (:f, :k, :u, :v, :d, :t) ON CONFLICT (feed, item_key, user_id) "
            "DO UPDATE SET vote = excluded.vote, created_at = excluded.created_at",
            {
                "f": feed,
                "k": item_key,
                "u": user_id,
                "v": vote,
                "d": destination,
                "t": self._ts(now),
            },
        )

    async def feedback(self, feed: str, item_key: str) -> dict[str, int]:
        rows = await self._run(
            "SELECT user_id, vote FROM feedback WHERE feed = :f AND item_key = :k",
            {"f": feed, "k": item_key},
        )
        return {r[0]: int(r[1]) for r in rows}

    async def mute_story(
        self, story_id: str, destination: str, user_id: str, now: datetime
    ) -> None:
        await self._run(
            "INSERT INTO mutes (story_id, destination, muted_by, created_at) VALUES (:s, :d, :u, :t) "
            "ON CONFLICT (story_id, destination) DO NOTHING",
            {"s": story_id, "d": destination, "u": user_id, "t": self._ts(now)},
        )

    async def muted(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        wanted = set(pairs)
        stories = sorted({story for story, _ in wanted})
        found: set[tuple[str, str]] = set()
        for start in range(0, len(stories), IN_CHUNK):
            chunk = stories[start : start + IN_CHUNK]
            marks = ", ".join(f":s{n}" for n in range(len(chunk)))
            rows = await self._run(
                f"SELECT story_id, destination FROM mutes WHERE story_id IN ({marks})",
                {f"s{n}": story for n, story in enumerate(chunk)},
            )
            found.update((str(r[0]), str(r[1])) for r in rows)
        return found & wanted

    async def item(self, feed: str, key: str) -> tuple[Item, Assessment | None] | None:
        rows = await self._run(
            f"SELECT {ITEM_COLUMNS} FROM items i WHERE i.feed = :f AND i.key = :k",
            {"f": feed, "k": key},
        )
        return item_row(rows[0]) if rows else None

    async def recent_items(
        self, since: datetime, limit: int = 500
    ) -> list[tuple[Item, Assessment]]:
        """Relevant items first seen since ``since``, newest first."""
        rows = await self._run(
            f"SELECT {ITEM_COLUMNS} FROM items i "
            "WHERE i.relevant = 1 AND i.seen_at >= :since ORDER BY i.seen_at DESC LIMIT :limit",
            {"since": self._ts(since), "limit": limit},
        )
        out = []
        for row in rows:
            item, assessment = item_row(row)
            if assessment is not None:
                out.append((item, assessment))
        return out

    async def unscored_items(self, since: datetime, limit: int = 500) -> list[Item]:
        """Items first seen since ``since`` that were recorded without an assessment (a new
        feed's backlog), newest first."""
        rows = await self._run(
            f"SELECT {ITEM_COLUMNS} FROM items i "
            "WHERE i.assessment IS NULL AND i.seen_at >= :since "
            "ORDER BY i.seen_at DESC, i.published DESC LIMIT :limit",
            {"since": self._ts(since), "limit": limit},
        )
        return [item_row(row)[0] for row in rows]

    async def save_assessments(self, scored: list[tuple[Item, Assessment]]) -> None:
        """Record the assessments of items recorded without one (an item assessed meanwhile
        keeps its first assessment)."""
        if not scored:
            return
        await self._run_many(
            "UPDATE items SET assessment = :a, relevant = :r "
            "WHERE feed = :f AND key = :k AND assessment IS NULL",
            [
                {
                    "a": a.model_dump_json(),
                    "r": int(a.relevant),
                    "f": item.feed,
                    "k": item.key,
                }
                for item, a in scored
            ],
        )

    async def feed_states(self) -> list[FeedState]:
        rows = await self._run("SELECT state FROM feed_state ORDER BY name")
        return [FeedState.model_validate_json(r[0]) for r in rows]

    async def sent_deliveries(self) -> list[tuple[str, str, str, str]]:
        """(feed, item key, destination, message id) of every sent alert, for inspection and tests."""
        rows = await self._run(
            "SELECT feed, item_key, destination, message_id FROM deliveries WHERE status = 'sent' "
            "ORDER BY sent_at"
        )
        return [(r[0], r[1], r[2], r[3] or "") for r in rows]

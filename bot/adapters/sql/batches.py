"""Whole-cycle store operations: claim many feeds, save many states, record a feed's new items.

A poll cycle makes a handful of round trips to the database instead of several per feed: one
statement claims every feed of the cycle, one transaction records each changed feed's new items
(always before that feed's state is saved), and the states are saved together in one transaction.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.adapters.sql.base import QUEUED_MEMO, chunks, insert_params, insert_sql
from bot.adapters.sql.claims import FREE, ClaimsMixin
from bot.adapters.sql.driver import DatabaseError
from bot.domain.schedule import FeedState
from bot.errors import StoreError
from bot.ports import ItemRecord

_ITEM_FIELDS = (
    "feed",
    "key",
    "title",
    "link",
    "summary",
    "published",
    "source",
    "relevant",
    "assessment",
    "story_id",
    "seen_at",
)
_DELIVERY_FIELDS = (
    "feed",
    "item_key",
    "destination",
    "route",
    "mention",
    "status",
    "story_id",
    "followup",
    "next_attempt_at",
    "created_at",
)


def _name(state: FeedState) -> str:
    return state.name


class BatchMixin(ClaimsMixin):
    """The batched part of SqlStore."""

    async def claim_feeds(self, names: list[str], now: datetime) -> dict[str, FeedState]:
        """Claim every feed of ``names`` that no other live process holds, in one statement per
        200 feeds; returns the claimed feeds' current states (released by ``save_feed_states``)."""
        await self.heartbeat(now)
        claimed: dict[str, FeedState] = {}
        # In name order, so that replicas claiming at the same time take row locks in one order.
        for chunk in chunks(sorted(set(names))):
            marks = ", ".join(f"(:name_{n}, :state_{n}, :owner)" for n in range(len(chunk)))
            params = {f"name_{n}": name for n, name in enumerate(chunk)}
            params.update(
                (f"state_{n}", FeedState(name=name).model_dump_json())
                for n, name in enumerate(chunk)
            )
            found = await self._run(
                f"INSERT INTO feed_state (name, state, lease_owner) VALUES {marks} "
                "ON CONFLICT (name) DO UPDATE SET lease_owner = excluded.lease_owner, "
                f"lease_until = NULL WHERE {FREE.replace('lease_owner', 'feed_state.lease_owner')} "
                "RETURNING name, state",
                {**params, **self._claim_params(now)},
            )
            claimed.update((r[0], FeedState.model_validate_json(r[1])) for r in found)
        return claimed

    async def save_feed_states(self, states: list[FeedState]) -> None:
        """Save the states after their polls in one transaction, releasing this process's claims
        on those feeds."""
        if not states:
            return
        try:
            async with self._begin() as conn:
                await conn.execute(
                    "INSERT INTO feed_state (name, state, next_poll_at) VALUES (:n, :s, :p) "
                    "ON CONFLICT (name) DO UPDATE SET state = excluded.state, "
                    "next_poll_at = excluded.next_poll_at, lease_owner = NULL, "
                    "lease_until = NULL",
                    [  # the last state of a feed wins; in name order, like claims
                        {"n": s.name, "s": s.model_dump_json(), "p": self._ts(s.next_poll_at)}
                        for s in sorted({s.name: s for s in states}.values(), key=_name)
                    ],
                )
        except DatabaseError as exc:
            raise StoreError(f"could not save {len(states)} feed state(s): {exc}") from exc

    async def record_items(self, records: list[ItemRecord], now: datetime) -> set[str]:
        """Record items and queue their deliveries in one transaction; returns the keys of the
        items recorded now (those already recorded are left unchanged, their alerts dropped)."""
        if not records:
            return set()
        feeds = {r.item.feed for r in records}
        if len(feeds) > 1:
            raise ValueError("record_items takes the items of one feed")
        seen = self._ts(now)
        items: list[dict[str, Any]] = [
            {
                "feed": r.item.feed,
                "key": r.item.key,
                "title": r.item.title,
                "link": r.item.link,
                "summary": r.item.summary,
                "published": self._ts(r.item.published),
                "source": r.item.source,
                "relevant": int(bool(r.assessment and r.assessment.relevant)),
                "assessment": r.assessment.model_dump_json() if r.assessment else None,
                "story_id": r.item.story or None,
                "seen_at": seen,
            }
            for r in {r.item.key: r for r in records}.values()
        ]
        inserted: set[str] = set()
        try:
            async with self._begin() as conn:
                for chunk in chunks(items):
                    result = await conn.execute(
                        insert_sql(
                            "items",
                            _ITEM_FIELDS,
                            len(chunk),
                            "ON CONFLICT (feed, key) DO NOTHING RETURNING key",
                        ),
                        insert_params(_ITEM_FIELDS, chunk),
                    )
                    inserted.update(r[0] for r in result.fetchall())
                deliveries: list[dict[str, Any]] = [
                    {
                        "feed": a.item.feed,
                        "item_key": a.item.key,
                        "destination": a.destination.key,
                        "route": a.route,
                        "mention": a.mention,
                        "status": (
                            "skipped" if not r.deliver else ("held" if a.hold_until else "pending")
                        ),
                        "story_id": a.item.story or None,
                        "followup": a.followup.model_dump_json() if a.followup else None,
                        "next_attempt_at": self._ts(a.hold_until) if a.hold_until else seen,
                        "created_at": seen,
                    }
                    for r in records
                    if r.item.key in inserted
                    for a in r.alerts
                ]
                for chunk in chunks(deliveries):
                    await conn.execute(
                        insert_sql(
                            "deliveries",
                            _DELIVERY_FIELDS,
                            len(chunk),
                            "ON CONFLICT (feed, item_key, destination) DO NOTHING",
                        ),
                        insert_params(_DELIVERY_FIELDS, chunk),
                    )
        except DatabaseError as exc:
            raise StoreError(f"could not record {len(items)} item(s): {exc}") from exc
        texts = {row["key"]: row["assessment"] for row in items}
        for r in records:
            text = texts[r.item.key]
            if (
                r.deliver
                and r.alerts
                and r.assessment is not None
                and text is not None
                and r.item.key in inserted
                and len(self._queued) < QUEUED_MEMO
            ):
                self._queued[text] = r.assessment
        return inserted

"""Store queries for stories, threads, flood control, deadline reminders and digests."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date, datetime

from bot.adapters.sql.base import (
    IN_CHUNK,
    ITEM_COLUMNS,
    SqlBase,
    chunks,
    insert_params,
    insert_sql,
    item_row,
    parse_day,
    parse_ts,
)
from bot.adapters.sql.driver import DatabaseError
from bot.domain.config import Destination
from bot.domain.models import Assessment, Item
from bot.domain.stories import StoryCandidate
from bot.errors import StoreError
from bot.ports import Reminder

_REMINDER_FIELDS = (
    "story_id",
    "destination",
    "due_date",
    "remind_on",
    "kind",
    "phrase",
    "feed",
    "item_key",
)


class StoriesMixin(SqlBase):
    """The story part of SqlStore."""

    async def story_candidates(self, since: datetime, limit: int = 2000) -> list[StoryCandidate]:
        """The latest item of every story seen since ``since``, for matching new items."""
        rows = await self._run(
            "SELECT i.story_id, i.title, i.summary, i.published, i.assessment, i.seen_at "
            "FROM items i WHERE i.relevant = 1 AND i.story_id IS NOT NULL AND i.seen_at >= :since "
            "ORDER BY i.seen_at DESC LIMIT :limit",
            {"since": self._ts(since), "limit": limit},
        )
        seen: set[str] = set()
        out: list[StoryCandidate] = []
        for story, title, summary, published, assessment, seen_at in rows:
            if story in seen:
                continue
            seen.add(story)
            data = json.loads(assessment) if assessment else {}
            out.append(
                StoryCandidate(
                    story_id=story,
                    title=title,
                    lead=summary[:600],
                    published=parse_ts(published) or parse_ts(seen_at),
                    topics=tuple(data.get("topics", ())),
                    actors=tuple(data.get("actors", ())),
                )
            )
        return out

    async def story_latest(self, story: str) -> tuple[Item, Assessment] | None:
        """The story's most recent relevant item."""
        rows = await self._run(
            f"SELECT {ITEM_COLUMNS} FROM items i WHERE i.story_id = :s AND i.relevant = 1 "
            "ORDER BY i.seen_at DESC, i.published DESC LIMIT 1",
            {"s": story},
        )
        if not rows:
            return None
        item, assessment = item_row(rows[0])
        return (item, assessment) if assessment else None

    async def thread_roots(self, stories: Sequence[str], destination: str) -> dict[str, str | None]:
        wanted = sorted(set(stories))
        roots: dict[str, str | None] = {}
        for start in range(0, len(wanted), IN_CHUNK):  # a story's rows are all in one chunk
            chunk = wanted[start : start + IN_CHUNK]
            marks = ", ".join(f":s{n}" for n in range(len(chunk)))
            rows = await self._run(
                "SELECT story_id, message_id, followup FROM deliveries WHERE destination = :d "
                f"AND status = 'sent' AND story_id IN ({marks}) ORDER BY sent_at",
                {"d": destination, **{f"s{n}": story for n, story in enumerate(chunk)}},
            )
            for story, message_id, followup in rows:
                if roots.get(story) is not None:
                    continue  # its root was found
                roots[story] = str(message_id or "") if followup is None else None
        return roots

    async def sent_top_level_since(self, destination: str, since: datetime) -> int:
        """Top-level alerts sent to ``destination`` since ``since`` (the flood budget's count)."""
        rows = await self._run(
            "SELECT COUNT(*) FROM deliveries WHERE destination = :d AND status = 'sent' "
            "AND followup IS NULL AND sent_at >= :since",
            {"d": destination, "since": self._ts(since)},
        )
        return int(rows[0][0])

    async def add_reminders(self, reminders: Sequence[Reminder]) -> int:
        """Track these dated deadlines (multi-row inserts in one transaction); how many were not
        tracked already."""
        rows = [
            {
                "story_id": r.story,
                "destination": r.destination.key,
                "due_date": r.due.isoformat(),
                "remind_on": r.remind_on.isoformat(),
                "kind": r.kind,
                "phrase": r.phrase,
                "feed": r.feed,
                "item_key": r.item_key,
            }
            for r in reminders
        ]
        if not rows:
            return 0
        added = 0
        tail = "ON CONFLICT (story_id, destination, due_date, kind) DO NOTHING RETURNING kind"
        try:
            async with self._begin() as conn:
                for chunk in chunks(rows):
                    result = await conn.execute(
                        insert_sql("reminders", _REMINDER_FIELDS, len(chunk), tail),
                        insert_params(_REMINDER_FIELDS, chunk),
                    )
                    added += len(result.fetchall())
        except DatabaseError as exc:
            raise StoreError(f"could not track {len(rows)} reminder(s): {exc}") from exc
        return added

    async def due_reminders(self, today: date) -> list[Reminder]:
        rows = await self._run(
            "SELECT story_id, destination, due_date, remind_on, kind, phrase, feed, item_key "
            "FROM reminders WHERE status = 'pending' AND remind_on <= :today ORDER BY remind_on",
            {"today": today.isoformat()},
        )
        return [
            Reminder(
                story=r[0],
                destination=Destination.parse(r[1]),
                due=parse_day(r[2]),
                remind_on=parse_day(r[3]),
                kind=r[4],
                phrase=r[5],
                feed=r[6],
                item_key=r[7],
            )
            for r in rows
        ]

    async def mark_reminder_sent(self, reminder: Reminder, now: datetime) -> None:
        await self._run(
            "UPDATE reminders SET status = 'sent', sent_at = :t WHERE story_id = :s "
            "AND destination = :d AND due_date = :due AND kind = :kind",
            {
                "t": self._ts(now),
                "s": reminder.story,
                "d": reminder.destination.key,
                "due": reminder.due.isoformat(),
                "kind": reminder.kind,
            },
        )

"""Digests (on a route's schedule and on demand) and deadline reminders.

A digest ranks the period's stories by |escalation| and by how much their clarity changed, with a
chart of the escalation index per topic. A reminder announces a story's dated deadline ahead of the
date and on the day. Both are queued as keyed notices (one digest per route and period, one
reminder per deadline and kind) and sent by the delivery queue, so a throttled or interrupted
one is retried, and none goes out twice across restarts and replicas.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.domain.config import Destination, Route
from bot.domain.models import Assessment, Item
from bot.domain.routing import route_matches
from bot.domain.trends import escalation_index
from bot.ports import BatchScorer, Clock, Notice, NoticeLine, Reminder, Store

log = logging.getLogger(__name__)
TOP_BY_ESCALATION = 10
TOP_BY_CLARITY = 5
PERIOD_ITEMS = 5000
"""At most this many of a period's items (the newest) make its digest."""


class ChartRenderer(Protocol):
    def __call__(
        self,
        series: dict[str, list[tuple[datetime, float]]],
        *,
        title: str,
        width_px: int = 1000,
        height_px: int = 600,
    ) -> bytes:
        """PNG bytes of the escalation index per topic."""
        ...


@dataclass
class StoryDigest:
    item: Item
    assessment: Assessment
    first_clarity: int
    items: int

    @property
    def clarity_change(self) -> int:
        return self.assessment.clarity - self.first_clarity


def period_label(period: timedelta) -> str:
    hours = period.total_seconds() / 3600
    return f"{hours / 24:g}d" if hours >= 48 and hours % 24 == 0 else f"{hours:g}h"


class Digests:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        chart: ChartRenderer | None,
        scorer: BatchScorer | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._chart = chart
        self._scorer = scorer

    async def stories(self, routes: list[Route], since: datetime) -> list[StoryDigest]:
        """The period's stories (for these routes, or all when there are none), latest item each."""
        await self._score_backlog(since)
        items = await self._store.recent_items(since, limit=PERIOD_ITEMS)
        if routes:
            items = [(i, a) for i, a in items if any(route_matches(r, i, a) for r in routes)]
        by_story: dict[str, StoryDigest] = {}
        for item, assessment in items:  # newest first
            story = item.story or f"{item.feed}/{item.key}"
            if story in by_story:
                entry = by_story[story]
                entry.first_clarity = assessment.clarity
                entry.items += 1
            else:
                by_story[story] = StoryDigest(item, assessment, assessment.clarity, 1)
        return list(by_story.values())

    async def _score_backlog(self, since: datetime) -> None:
        """Score the period's items recorded unscored (a new feed's backlog, which the poll
        cycle does not score) and record their assessments, so that the digest counts them.
        Each is scored once; each joins no story (it was never alerted), so it stands alone."""
        if self._scorer is None:
            return
        pending = await self._store.unscored_items(since, limit=PERIOD_ITEMS)
        if not pending:
            return
        log.info("digest: scoring %d backlog item(s) of the period", len(pending))
        results = await self._scorer.score_batch([item.article() for item in pending])
        scored = []
        for item, result in zip(pending, results, strict=True):
            if isinstance(result, Exception):
                log.warning(
                    "digest: backlog item %r could not be scored: %s",
                    item.title[:120],
                    result.__class__.__name__,
                )
                continue
            scored.append((item, result))
        await self._store.save_assessments(scored)

    async def build(
        self, destination: Destination, routes: list[Route], period: timedelta
    ) -> Notice:
        now = self._clock.now()
        since = now - period
        stories = await self.stories(routes, since)
        label = period_label(period)
        scope = "this channel's routes" if routes else "all feeds"
        if not stories:
            return Notice(
                destination=destination,
                title=f"Digest · last {label} · no relevant stories for {scope}",
                kind="digest",
            )
        ranked = sorted(stories, key=lambda s: -abs(s.assessment.escalation))[:TOP_BY_ESCALATION]
        lines = [
            NoticeLine(
                text=_story_text(s),
                link=s.item.link,
                assessment=s.assessment,
                source=s.item.source or s.item.feed,
            )
            for s in ranked
        ]
        moved = sorted(
            (s for s in stories if s.clarity_change), key=lambda s: -abs(s.clarity_change)
        )
        for s in moved[:TOP_BY_CLARITY]:
            lines.append(
                NoticeLine(
                    text=f"clarity {s.first_clarity} → {s.assessment.clarity}: {s.item.title}",
                    link=s.item.link,
                    assessment=s.assessment,
                    source=s.item.source or s.item.feed,
                )
            )
        chart = small = None
        if self._chart is not None:
            points = [
                (s.item.published or now, s.assessment.topics, s.assessment.escalation)
                for s in stories
            ]
            bucket = max(timedelta(hours=1), period / 12)
            series = escalation_index(points, start=since, end=now, bucket=bucket)
            chart_title = f"Escalation index per topic · last {label}"
            chart = self._chart(series, title=chart_title)
            small = self._chart(series, title=chart_title, width_px=480, height_px=300)
        title = (
            f"Digest · last {label} · {len(stories)} stor{'y' if len(stories) == 1 else 'ies'} "
            f"for {scope} · biggest moves first"
            + (", then the largest clarity changes" if moved else "")
        )
        return Notice(
            destination=destination,
            title=title,
            lines=tuple(lines),
            image_png=chart,
            image_png_small=small,
            image_title=f"Escalation index per topic, last {label}",
            kind="digest",
        )

    async def queue_scheduled(self, config_routes: list[Route]) -> int:
        """Queue each route's digest when its time has come (once per period, across restarts
        and replicas); the number queued."""
        now = self._clock.now()
        queued = 0
        for route in config_routes:
            if route.digest is None:
                continue
            due = route.digest.latest_due(now)
            if now - due > timedelta(hours=6):  # long missed (the bot was down): skip to the next
                continue
            key = f"digest:{route.name}:{due.isoformat()}"
            if await self._store.notice_queued(key):
                continue
            notice = await self.build(route.to, [route], route.digest.period)
            if await self._store.queue_notice(notice.model_copy(update={"key": key}), now):
                queued += 1
        return queued


class Reminders:
    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    async def queue_due(self) -> int:
        """Queue the reminders due today (each once); the number queued."""
        now = self._clock.now()
        today = now.date()
        queued = 0
        for reminder in await self._store.due_reminders(today):
            if reminder.due < today:
                log.info(
                    "deadline %s of story %s passed while the bot was down",
                    reminder.due,
                    reminder.story,
                )
            else:
                key = (
                    f"reminder:{reminder.story}:{reminder.destination}:{reminder.due}:"
                    f"{reminder.kind}"
                )
                notice = (await self._notice(reminder)).model_copy(update={"key": key})
                queued += int(await self._store.queue_notice(notice, now))
            await self._store.mark_reminder_sent(reminder, now)
        return queued

    async def _notice(self, reminder: Reminder) -> Notice:
        days = (reminder.due - self._clock.now().date()).days
        when = "today" if days == 0 else f"in {days} day{'s' if days != 1 else ''}"
        found = await self._store.item(reminder.feed, reminder.item_key)
        lines: tuple[NoticeLine, ...] = ()
        if found is not None:
            item, assessment = found
            lines = (NoticeLine(text=item.title, link=item.link, assessment=assessment),)
        roots = await self._store.thread_roots([reminder.story], reminder.destination.key)
        root = roots.get(reminder.story)
        return Notice(
            destination=reminder.destination,
            title=f"⏳ Deadline {when} ({reminder.due:%-d %b %Y}): {reminder.phrase}",
            lines=lines,
            thread_id=root or None,
            kind="reminder",
        )


def _story_text(story: StoryDigest) -> str:
    extra = f" ({story.items} items)" if story.items > 1 else ""
    return f"{story.item.title}{extra}"

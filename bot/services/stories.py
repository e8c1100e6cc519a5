"""Stories across feeds: which story a new item continues, what changed, and its deadlines."""

from __future__ import annotations

import asyncio
import logging
from datetime import date, datetime, timedelta

from bot.domain.followups import FollowUp, compare
from bot.domain.identity import content_hash
from bot.domain.models import Assessment, Item
from bot.domain.stories import LEAD_CHARS, StoryCandidate
from bot.domain.story_index import StoryIndex
from bot.ports import Alert, Reminder, Store

log = logging.getLogger(__name__)


class StoryTracker:
    """Clusters each cycle's new items into stories (one story may span feeds and cycles)."""

    def __init__(self, store: Store, *, window: timedelta, remind_ahead: timedelta) -> None:
        self._store = store
        self._window = window
        self._ahead = remind_ahead
        self._candidates: StoryIndex | None = StoryIndex(window=window)
        self._since: datetime | None = None
        self._loading = asyncio.Lock()
        self._latest: dict[str, tuple[str, Assessment]] = {}  # this cycle's newest item per story

    async def begin_cycle(self, now: datetime) -> None:
        """Start a cycle: the stories seen within the window before ``now`` are read and indexed
        when the cycle's first relevant item needs them, so a cycle with nothing relevant (every
        feed unchanged) never pays for them. Only relevant items join stories, and each goes
        through ``assign`` before it is recorded: the index holds the same stories either way."""
        self._since = now - self._window
        self._candidates = None
        self._latest = {}

    async def _index(self) -> StoryIndex:
        async with self._loading:  # feeds are ingested concurrently: one of them loads it
            if self._candidates is None:
                assert self._since is not None
                recent = await self._store.story_candidates(self._since)
                self._candidates = StoryIndex(recent, window=self._window)
            return self._candidates

    async def assign(
        self, item: Item, assessment: Assessment, now: datetime
    ) -> tuple[Item, FollowUp | None]:
        """The item with its story set, and the follow-up when it continues an earlier story."""
        if not assessment.relevant:
            return item, None
        candidate = StoryCandidate(
            story_id="",
            title=item.title,
            lead=item.summary[:LEAD_CHARS],
            published=item.published or now,
            topics=tuple(assessment.topics),
            actors=tuple(assessment.actors),
        )
        index = await self._index()
        story = index.match(candidate)
        followup = None
        if story:
            # Feeds are ingested concurrently: an item of this cycle may not be recorded yet.
            previous = self._latest.get(story)
            if previous is None and (stored := await self._store.story_latest(story)) is not None:
                previous = (stored[0].title, stored[1])
            if previous is not None:
                followup = compare(previous[0], previous[1], assessment)
        elif not story:
            story = "s-" + content_hash(item.feed, item.key)[:20]
        index.add_front(candidate.model_copy(update={"story_id": story}))
        # Only what a follow-up compares is kept: a cold cycle holds one per story, and the
        # evidence is most of an assessment's memory.
        self._latest[story] = (item.title, _slim(assessment))
        return item.model_copy(update={"story": story}), followup

    async def track_deadlines(self, alerts: list[Alert], today: date) -> int:
        """Remember the dated reversion risk of each alert for reminders: ``remind_ahead`` before
        the date and on the day (each once per story and destination). Returns how many are new."""
        reminders: list[Reminder] = []
        for alert in alerts:
            risk = alert.assessment.reversion_risk
            if risk is None or risk.date is None or risk.date < today or not alert.item.story:
                continue
            kinds = [("day", risk.date)]
            ahead = risk.date - self._ahead
            if ahead > today:
                kinds.append(("ahead", ahead))
            reminders.extend(
                Reminder(
                    story=alert.item.story,
                    destination=alert.destination,
                    due=risk.date,
                    remind_on=remind_on,
                    kind=kind,
                    phrase=risk.phrase,
                    feed=alert.item.feed,
                    item_key=alert.item.key,
                )
                for kind, remind_on in kinds
            )
        return await self._store.add_reminders(reminders) if reminders else 0


def _slim(assessment: Assessment) -> Assessment:
    """The assessment without what ``compare`` does not read (evidence, summary, reading)."""
    return assessment.model_copy(
        update={"evidence": [], "summary": "", "reading": None, "dyad": None}
    )

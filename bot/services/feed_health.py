"""Feed-health notices to the ``ops`` destination: one when a feed starts failing or falls
silent, one when it recovers, never one per cycle. The announced status is saved in the store in
the same transaction that queues the notice under a key of its own (feed, change number, status),
so a restart or a second replica never queues it twice; the delivery queue sends it once and
keeps it queued through rate limits and failures."""

from __future__ import annotations

import logging

from bot.domain.config import FeedSpec, Ops
from bot.domain.feed_health import HealthRecord, notice_text, observe, status
from bot.ports import Clock, FeedHealthStore, Notice, NoticeLine

log = logging.getLogger(__name__)


class FeedHealth:
    def __init__(self, store: FeedHealthStore, ops: Ops, clock: Clock) -> None:
        self._store = store
        self._ops = ops
        self._clock = clock

    async def check(self, feeds: list[FeedSpec]) -> int:
        """Look at every feed once; return how many notices were queued."""
        now = self._clock.now()
        states = {s.name: s for s in await self._store.feed_states()}
        queued = 0
        for spec in feeds:
            state = states.get(spec.name)
            if state is None or (state.polls == 0 and state.error_count == 0):
                continue
            before = await self._store.feed_health(spec.name) or HealthRecord(feed=spec.name)
            learned = observe(before, state)
            now_status = status(learned, state, self._ops, now)
            if now_status == before.notified:
                if learned != before:
                    await self._store.save_feed_health(learned, expect=before.notified)
                continue
            announced = learned.model_copy(
                update={"notified": now_status, "announced": learned.announced + 1}
            )
            title, detail = notice_text(spec.name, now_status, before.notified, learned, state, now)
            notice = Notice(
                destination=self._ops.to,
                title=title,
                lines=(NoticeLine(text=detail),),
                kind="ops",
                key=f"ops:{spec.name}:{announced.announced}:{now_status}",
            )
            if await self._store.announce_feed_health(
                announced, notice, expect=before.notified, now=now
            ):
                queued += 1
                log.info("ops: %s", title, extra={"feed": spec.name})
        return queued

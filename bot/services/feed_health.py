"""Feed-health notices to the ``ops`` destination: one when a feed starts failing or falls
silent, one when it recovers, never one per cycle, and never twice across restarts or replicas
(the announced status is claimed in the store before the notice is sent)."""

from __future__ import annotations

import logging
from collections.abc import Mapping

from bot.domain.config import FeedSpec, Ops
from bot.domain.feed_health import HealthRecord, notice_text, observe, status
from bot.errors import DeliveryError
from bot.ports import Clock, FeedHealthStore, Notice, NoticeLine, Notifier

log = logging.getLogger(__name__)


class FeedHealth:
    def __init__(
        self,
        store: FeedHealthStore,
        notifiers: Mapping[str, Notifier],
        ops: Ops,
        clock: Clock,
    ) -> None:
        self._store = store
        self._notifiers = notifiers
        self._ops = ops
        self._clock = clock

    async def check(self, feeds: list[FeedSpec]) -> int:
        """Look at every feed once; return how many notices went out."""
        now = self._clock.now()
        states = {s.name: s for s in await self._store.feed_states()}
        sent = 0
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
            claimed = learned.model_copy(update={"notified": now_status})
            if not await self._store.save_feed_health(claimed, expect=before.notified):
                continue  # another replica announced it
            title, detail = notice_text(spec.name, now_status, before.notified, learned, state, now)
            if await self._send(title, detail, spec.name):
                sent += 1
            else:  # not announced: try again next cycle
                await self._store.save_feed_health(learned, expect=now_status)
        return sent

    async def _send(self, title: str, detail: str, feed: str) -> bool:
        destination = self._ops.to
        notifier = self._notifiers.get(destination.platform)
        if notifier is None:
            log.error("ops notice for feed %s: no notifier for %s", feed, destination.platform)
            return False
        notice = Notice(
            destination=destination,
            title=title,
            lines=(NoticeLine(text=detail),),
            kind="ops",
        )
        try:
            await notifier.send_notice(notice)
        except DeliveryError as exc:
            log.warning(
                "ops notice for feed %s not sent: %s",
                feed,
                exc,
                extra={"feed": feed, "platform": destination.platform, "error": str(exc)},
            )
            return False
        log.info("ops: %s", title, extra={"feed": feed, "platform": destination.platform})
        return True

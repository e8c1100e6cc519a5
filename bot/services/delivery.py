"""Delivering queued alerts: in order per destination, threaded by story, within a flood budget,
retried when throttled, never dropped.

A delivery is queued in the same transaction that records its item, and marked sent only after
the platform accepted it; a restart resumes whatever is still queued. Alerts over a destination's
budget, and alerts held by quiet hours, go out folded into one "N more" notice whose lines link
every item.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.domain.config import Delivery
from bot.errors import DeliveryError, RateLimitedError
from bot.ports import Alert, Clock, Notice, NoticeLine, Notifier, PendingDelivery, Store
from bot.services.observer import NullObserver, Observer

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    folded: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.folded += other.folded
        self.retrying += other.retrying
        self.failed += other.failed
        self.errors.extend(other.errors)


def _window_text(window: timedelta) -> str:
    minutes = int(window.total_seconds() // 60)
    return f"{minutes // 60} h" if minutes % 60 == 0 else f"{minutes} min"


class Deliverer:
    def __init__(
        self,
        store: Store,
        notifiers: Mapping[str, Notifier],
        clock: Clock,
        *,
        policy: Delivery | None = None,
        max_attempts: int = 8,
        should_stop: Callable[[], bool] = lambda: False,
        observer: Observer | None = None,
    ) -> None:
        self._observer = observer or NullObserver()
        self._store = store
        self._notifiers = notifiers
        self._clock = clock
        self._policy = policy or Delivery()
        self._max_attempts = max_attempts
        self._should_stop = should_stop

    @property
    def notifiers(self) -> dict[str, Notifier]:
        return dict(self._notifiers)

    async def deliver_due(self, limit: int = 1000) -> DeliveryReport:
        """Send every queued alert that is due; destinations in parallel, each in order."""
        pending = await self._store.due_deliveries(self._clock.now(), limit)
        by_destination: defaultdict[str, list[PendingDelivery]] = defaultdict(list)
        for delivery in pending:
            by_destination[delivery.alert.destination.key].append(delivery)
        reports = await asyncio.gather(
            *(self._deliver_destination(q) for q in by_destination.values())
        )
        total = DeliveryReport()
        for report in reports:
            total.add(report)
        return total

    async def _deliver_destination(self, queue: list[PendingDelivery]) -> DeliveryReport:
        report = DeliveryReport()
        destination = queue[0].alert.destination
        notifier = self._notifiers.get(destination.platform)
        if notifier is None:
            for delivery in queue:
                await self._store.mark_failed(
                    delivery.alert, f"no notifier for {destination.platform}"
                )
            report.failed += len(queue)
            self._observer.alerts_failed(destination.platform, len(queue))
            return report
        held = [d for d in queue if d.held]
        if held:
            await self._fold(
                notifier, held, f"{len(held)} relevant item(s) held during quiet hours", report
            )
        live = [d for d in queue if not d.held]
        now = self._clock.now()
        sent_recently = await self._store.sent_top_level_since(
            destination.key, now - self._policy.window
        )
        budget_left = self._policy.budget - sent_recently
        overflow: list[PendingDelivery] = []
        for position, delivery in enumerate(live):
            if self._should_stop():
                break
            alert = await self._threaded(delivery.alert)
            top_level = alert.thread_id is None
            if top_level and budget_left <= 0:
                overflow.append(delivery)
                continue
            try:
                message_id = await notifier.send(alert)
            except RateLimitedError as exc:
                await self._keep_queued(live[position:] + overflow, exc, report)
                return report
            except DeliveryError as exc:
                await self._retry_or_fail(delivery, exc, report)
                continue
            sent_at = self._clock.now()
            await self._store.mark_sent(alert, message_id, sent_at)
            report.sent += 1
            latency = (sent_at - delivery.queued_at).total_seconds() if delivery.queued_at else None
            self._observer.alert_sent(destination.platform, latency)
            budget_left -= int(top_level)
        if overflow:
            title = (
                f"{len(overflow)} more relevant item(s): this channel's budget of "
                f"{self._policy.budget} alerts per {_window_text(self._policy.window)} is reached"
            )
            await self._fold(notifier, overflow, title, report)
        return report

    async def _threaded(self, alert: Alert) -> Alert:
        """A later item of a story becomes a reply in the thread of the story's first alert; where
        the story was never alerted (its first item was muted, folded or a skipped backlog), it
        is a full alert of its own."""
        if alert.followup is None or not alert.item.story:
            return alert
        root = await self._store.thread_root(alert.item.story, alert.destination.key)
        if root is None:
            return alert.model_copy(update={"followup": None})
        return alert.model_copy(update={"thread_id": root or None})

    async def _fold(
        self,
        notifier: Notifier,
        deliveries: list[PendingDelivery],
        title: str,
        report: DeliveryReport,
    ) -> None:
        """Send one notice linking every item; mark them folded into it."""
        destination = deliveries[0].alert.destination
        notice = Notice(
            destination=destination,
            title=title,
            lines=tuple(
                NoticeLine(
                    text=d.alert.item.title, link=d.alert.item.link, assessment=d.alert.assessment
                )
                for d in deliveries
            ),
            kind="overflow",
        )
        try:
            notice_id = await notifier.send_notice(notice)
        except RateLimitedError as exc:
            await self._keep_queued(deliveries, exc, report)
            return
        except DeliveryError as exc:
            for delivery in deliveries:
                await self._retry_or_fail(delivery, exc, report)
            return
        now = self._clock.now()
        for delivery in deliveries:
            await self._store.mark_folded(delivery.alert, notice_id, now)
        report.folded += len(deliveries)
        self._observer.alerts_folded(destination.platform, len(deliveries))
        log.info("%s: folded %d alert(s) into one message", destination, len(deliveries))

    async def _keep_queued(
        self, deliveries: list[PendingDelivery], exc: RateLimitedError, report: DeliveryReport
    ) -> None:
        """Throttled: keep this and every later alert for the destination queued, in order."""
        retry_at = self._clock.now() + timedelta(seconds=exc.retry_after)
        for waiting in deliveries:
            await self._store.mark_retry(waiting.alert, str(exc), retry_at)
        report.retrying += len(deliveries)
        if deliveries:
            self._observer.alerts_retried(deliveries[0].alert.destination.platform, len(deliveries))
            log.warning(
                "%s: %s; %d alert(s) kept queued",
                deliveries[0].alert.destination,
                exc,
                len(deliveries),
            )

    async def _retry_or_fail(
        self, delivery: PendingDelivery, exc: DeliveryError, report: DeliveryReport
    ) -> None:
        attempts = delivery.attempts + 1
        alert = delivery.alert
        if attempts >= self._max_attempts:
            await self._store.mark_failed(alert, str(exc))
            report.failed += 1
            self._observer.alerts_failed(alert.destination.platform, 1)
            log.error(
                "giving up on %s after %d attempts: %s",
                alert.item.key,
                attempts,
                exc,
                extra={
                    "item_key": alert.item.key,
                    "route": alert.route,
                    "platform": alert.destination.platform,
                    "error": str(exc),
                },
            )
        else:
            backoff = timedelta(seconds=min(3600, 30 * 2**attempts))
            await self._store.mark_retry(alert, str(exc), self._clock.now() + backoff)
            report.retrying += 1
            self._observer.alerts_retried(alert.destination.platform, 1)
            log.warning(
                "delivery to %s failed (attempt %d): %s",
                alert.destination,
                attempts,
                exc,
                extra={
                    "item_key": alert.item.key,
                    "route": alert.route,
                    "platform": alert.destination.platform,
                    "error": str(exc),
                },
            )
        report.errors.append(str(exc))

"""Delivering queued alerts and notices: in order per destination, threaded by story, within a
flood budget, retried when throttled, never dropped, and posted once.

A delivery is queued in the same transaction that records its item. Before the post it is
recorded as *sending*; the post carries the delivery's idempotency key; it is marked sent after
the platform accepted it, by the process that still holds its claim. A delivery found *sending*
(its process died, or the answer never came) is first looked up by its key on platforms that can
be read back (Slack) and posted again only when it is not there. Platforms that cannot be read
back (Teams webhooks) are at least once: a crash between the post and its record, one HTTP
request long, posts the alert again.

Alerts over a destination's budget, and alerts held by quiet hours, are folded into one queued
"N more" notice whose lines link every item. Digests, deadline reminders and
feed-health notices are queued notices too.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.config import Delivery, Destination
from bot.errors import DeliveryError, RateLimitedError
from bot.ports import (
    Alert,
    Clock,
    DeliveryLookup,
    Notice,
    NoticeLine,
    Notifier,
    PendingDelivery,
    PendingNotice,
    Store,
)
from bot.services.observer import NullObserver, Observer

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    notices: int = 0
    folded: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.notices += other.notices
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

    async def deliver_due(self, limit: int = 1000) -> DeliveryReport:
        """Send every queued alert and notice that is due; destinations in parallel, each in
        order (alerts first, then notices)."""
        now = self._clock.now()
        pending = await self._store.due_deliveries(now, limit)
        by_destination: defaultdict[str, list[PendingDelivery]] = defaultdict(list)
        for delivery in pending:
            by_destination[delivery.alert.destination.key].append(delivery)
        reports = await asyncio.gather(
            *(self._deliver_destination(q) for q in by_destination.values())
        )
        total = DeliveryReport()
        for report in reports:
            total.add(report)
        total.add(await self._deliver_notices(limit))
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
            await self._fold(held, f"{len(held)} relevant item(s) held during quiet hours", report)
        live = roots_first([d for d in queue if not d.held])
        now = self._clock.now()
        sent_recently = await self._store.sent_top_level_since(
            destination.key, now - self._policy.window
        )
        budget_left = self._policy.budget - sent_recently
        overflow: list[PendingDelivery] = []
        # Where each follow-up's story was first alerted here: one query for the queue, kept up
        # to date below as this queue's alerts are sent.
        stories = [
            d.alert.item.story for d in live if d.alert.followup is not None and d.alert.item.story
        ]
        roots = await self._store.thread_roots(stories, destination.key) if stories else {}
        for position, delivery in enumerate(live):
            if self._should_stop():
                break
            alert = _threaded(delivery.alert, roots)
            top_level = alert.thread_id is None
            if top_level and budget_left <= 0 and delivery.sending_since is None:
                overflow.append(delivery)
                continue
            try:
                message_id = await self._send_once(notifier, delivery, alert)
            except RateLimitedError as exc:
                await self._keep_queued(live[position:] + overflow, exc, report)
                return report
            except DeliveryError as exc:
                await self._retry_or_fail(delivery, exc, report)
                continue
            if message_id is None:
                continue  # another process holds it now
            sent_at = self._clock.now()
            if await self._store.mark_sent(alert, message_id, sent_at):
                report.sent += 1
                _sent(alert, message_id, roots)
                queued_at = delivery.queued_at
                latency = (sent_at - queued_at).total_seconds() if queued_at else None
                self._observer.alert_sent(destination.platform, latency)
            else:
                log.warning("%s: claim on %s lost while posting", destination, alert.item.key)
            budget_left -= int(top_level)
        if overflow:
            title = (
                f"{len(overflow)} more relevant item(s): this channel's budget of "
                f"{self._policy.budget} alerts per {_window_text(self._policy.window)} is reached"
            )
            await self._fold(overflow, title, report)
        return report

    async def _send_once(
        self, notifier: Notifier, delivery: PendingDelivery, alert: Alert
    ) -> str | None:
        """Post the alert unless an interrupted earlier attempt already did; its message id, or
        None when this process lost its claim."""
        if delivery.sending_since is not None:
            found = await _look_up(
                notifier, alert.destination, alert.key, alert.thread_id, delivery.sending_since
            )
            if found is not None:
                log.info("%s: %s was posted before a restart", alert.destination, alert.item.key)
                return found
        if not await self._store.begin_send(alert, self._clock.now()):
            return None
        return await notifier.send(alert)

    async def _deliver_notices(self, limit: int) -> DeliveryReport:
        report = DeliveryReport()
        for pending in await self._store.due_notices(self._clock.now(), limit):
            if self._should_stop():
                break
            await self._deliver_notice(pending, report)
        return report

    async def _deliver_notice(self, pending: PendingNotice, report: DeliveryReport) -> None:
        notice = pending.notice
        notifier = self._notifiers.get(notice.destination.platform)
        if notifier is None:
            await self._store.mark_notice_failed(
                notice.key, f"no notifier for {notice.destination.platform}"
            )
            report.failed += 1
            return
        try:
            message_id: str | None = None
            if pending.sending_since is not None:
                message_id = await _look_up(
                    notifier,
                    notice.destination,
                    notice.key,
                    notice.thread_id,
                    pending.sending_since,
                )
            if message_id is None:
                if not await self._store.begin_notice(notice.key, self._clock.now()):
                    return
                message_id = await notifier.send_notice(notice)
        except RateLimitedError as exc:
            retry_at = self._clock.now() + timedelta(seconds=exc.retry_after)
            await self._store.mark_notice_retry(notice.key, str(exc), retry_at)
            report.retrying += 1
            log.warning("%s: %s; %s notice kept queued", notice.destination, exc, notice.kind)
            return
        except DeliveryError as exc:
            attempts = pending.attempts + 1
            report.errors.append(str(exc))
            if attempts >= self._max_attempts:
                await self._store.mark_notice_failed(notice.key, str(exc))
                report.failed += 1
                log.error("giving up on %s notice %s: %s", notice.kind, notice.key, exc)
            else:
                retry_at = self._clock.now() + _backoff(attempts)
                await self._store.mark_notice_retry(notice.key, str(exc), retry_at)
                report.retrying += 1
                log.warning("%s notice to %s failed: %s", notice.kind, notice.destination, exc)
            return
        if await self._store.mark_notice_sent(notice.key, message_id, self._clock.now()):
            report.notices += 1

    async def _fold(
        self, deliveries: list[PendingDelivery], title: str, report: DeliveryReport
    ) -> None:
        """Queue one notice linking every item in their place (sent with the other notices)."""
        destination = deliveries[0].alert.destination
        keys = sorted(d.alert.key for d in deliveries)
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
            key="fold-" + hashlib.sha256("\n".join(keys).encode()).hexdigest()[:32],
        )
        if await self._store.fold([d.alert for d in deliveries], notice, self._clock.now()):
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
            await self._store.mark_retry(alert, str(exc), self._clock.now() + _backoff(attempts))
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


def _threaded(alert: Alert, roots: dict[str, str | None]) -> Alert:
    """A later item of a story becomes a reply in the thread of the story's first alert; where
    the story was never alerted (its first item was muted, folded or a skipped backlog), it is a
    full alert of its own. ``roots`` is ``Store.thread_roots`` for the destination."""
    story = alert.item.story
    if alert.followup is None or not story:
        return alert
    if story not in roots:
        return alert.model_copy(update={"followup": None})
    return alert.model_copy(update={"thread_id": roots[story] or None})


def _sent(alert: Alert, message_id: str, roots: dict[str, str | None]) -> None:
    """Keep ``roots`` as ``Store.thread_roots`` would answer now that ``alert`` is sent: the
    first top-level alert of a story is its root."""
    story = alert.item.story
    if not story or roots.get(story) is not None:
        return
    if alert.followup is None:
        roots[story] = message_id
    else:
        roots[story] = None


def roots_first(queue: list[PendingDelivery]) -> list[PendingDelivery]:
    """The queue in its order, except that a later item of a story waits for the story's first
    alert when that alert is queued behind it: feeds are ingested concurrently, so a copy from a
    faster feed can be queued before the item that opened its story, and a reply needs the first
    alert posted to find its thread."""
    opening = {d.alert.item.story for d in queue if d.alert.followup is None and d.alert.item.story}
    ordered: list[PendingDelivery] = []
    waiting: defaultdict[str, list[PendingDelivery]] = defaultdict(list)
    for delivery in queue:
        story = delivery.alert.item.story
        if story and delivery.alert.followup is not None and story in opening:
            waiting[story].append(delivery)
            continue
        ordered.append(delivery)
        if story and delivery.alert.followup is None:
            opening.discard(story)
            ordered.extend(waiting.pop(story, []))
    for rest in waiting.values():
        ordered.extend(rest)
    return ordered


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(3600, 30 * 2**attempts))


async def _look_up(
    notifier: Notifier,
    destination: Destination,
    key: str,
    thread_id: str | None,
    since: datetime,
) -> str | None:
    """The id of the message an interrupted attempt posted, None when it is not there or the
    platform cannot be read back (then the message goes out again: at least once)."""
    if not key or not isinstance(notifier, DeliveryLookup):
        return None
    return await notifier.find_delivered(destination, key, thread_id=thread_id, since=since)

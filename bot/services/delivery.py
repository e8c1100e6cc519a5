"""Delivering queued alerts: in order per destination, retried when throttled, never dropped.

A delivery is queued in the same transaction that records its item, and marked sent only after
the platform accepted it; a restart resumes whatever is still queued.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

from bot.errors import DeliveryError, RateLimitedError
from bot.ports import Clock, Notifier, PendingDelivery, Store

log = logging.getLogger(__name__)


@dataclass
class DeliveryReport:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)

    def add(self, other: DeliveryReport) -> None:
        self.sent += other.sent
        self.retrying += other.retrying
        self.failed += other.failed
        self.errors.extend(other.errors)


class Deliverer:
    def __init__(
        self,
        store: Store,
        notifiers: Mapping[str, Notifier],
        clock: Clock,
        *,
        max_attempts: int = 8,
        should_stop: Callable[[], bool] = lambda: False,
    ) -> None:
        self._store = store
        self._notifiers = notifiers
        self._clock = clock
        self._max_attempts = max_attempts
        self._should_stop = should_stop

    async def deliver_due(self, limit: int = 500) -> DeliveryReport:
        """Send every queued alert that is due; destinations in parallel, each in order."""
        pending = await self._store.due_deliveries(self._clock.now(), limit)
        by_destination: defaultdict[str, list[PendingDelivery]] = defaultdict(list)
        for delivery in pending:
            by_destination[str(delivery.alert.destination)].append(delivery)
        reports = await asyncio.gather(
            *(self._deliver_in_order(queue) for queue in by_destination.values())
        )
        total = DeliveryReport()
        for report in reports:
            total.add(report)
        return total

    async def _deliver_in_order(self, queue: list[PendingDelivery]) -> DeliveryReport:
        report = DeliveryReport()
        for position, delivery in enumerate(queue):
            if self._should_stop():
                break
            alert = delivery.alert
            notifier = self._notifiers.get(alert.destination.platform)
            if notifier is None:
                message = f"no notifier configured for {alert.destination.platform}"
                await self._store.mark_failed(alert, message)
                report.failed += 1
                report.errors.append(message)
                continue
            try:
                message_id = await notifier.send(alert)
            except RateLimitedError as exc:
                # Keep this and every later alert for the destination queued, in order.
                retry_at = self._clock.now() + timedelta(seconds=exc.retry_after)
                for waiting in queue[position:]:
                    await self._store.mark_retry(waiting.alert, str(exc), retry_at)
                report.retrying += len(queue) - position
                log.warning(
                    "%s: %s; %d alert(s) kept queued", alert.destination, exc, len(queue) - position
                )
                break
            except DeliveryError as exc:
                attempts = delivery.attempts + 1
                if attempts >= self._max_attempts:
                    await self._store.mark_failed(alert, str(exc))
                    report.failed += 1
                    log.error(
                        "giving up on %s after %d attempts: %s", alert.item.key, attempts, exc
                    )
                else:
                    backoff = timedelta(seconds=min(3600, 30 * 2**attempts))
                    await self._store.mark_retry(alert, str(exc), self._clock.now() + backoff)
                    report.retrying += 1
                    log.warning(
                        "delivery to %s failed (attempt %d): %s", alert.destination, attempts, exc
                    )
                report.errors.append(str(exc))
                continue
            await self._store.mark_sent(alert, message_id, self._clock.now())
            report.sent += 1
        return report

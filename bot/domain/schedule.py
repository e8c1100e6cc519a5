"""When to poll each feed next: adapts to how often a feed changes and backs off on errors.

Pure decisions from the feed's state, the policy and ``now``; randomness (jitter) comes in as an
argument so that the same inputs always give the same answer.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from pydantic import BaseModel, ConfigDict

from bot.domain.config import FeedSpec, Polling

GROW = 1.5  # an unchanged feed is polled 1.5x less often each time
SHRINK = 0.5  # a changed feed twice as often
MAX_JITTER = 0.1  # +-10% spreads polls of feeds that share an interval


class FeedState(BaseModel):
    """What the bot remembers about a feed between polls."""

    model_config = ConfigDict(frozen=True)

    name: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None
    interval_s: float | None = None
    next_poll_at: datetime | None = None
    last_polled_at: datetime | None = None
    last_changed_at: datetime | None = None
    last_error: str | None = None
    error_count: int = 0
    polls: int = 0

    @property
    def first_poll(self) -> bool:
        return self.polls == 0


def _clamp(seconds: float, policy: Polling) -> float:
    low = policy.min_interval.total_seconds()
    high = policy.max_interval.total_seconds()
    return min(high, max(low, seconds))


def base_interval(spec: FeedSpec, policy: Polling) -> float:
    return _clamp((spec.interval or policy.interval).total_seconds(), policy)


def is_due(state: FeedState, now: datetime) -> bool:
    return state.next_poll_at is None or state.next_poll_at <= now


def after_success(
    state: FeedState,
    spec: FeedSpec,
    policy: Polling,
    *,
    now: datetime,
    changed: bool,
    jitter: float = 0.0,
    server_min_s: float | None = None,
) -> tuple[float, datetime]:
    """Next interval and poll time after a successful poll.

    A feed that changed is polled sooner, one that did not later, always within the policy's
    bounds; a server's own hint (``ttl``, ``Cache-Control: max-age``, ``Retry-After``) is a floor.
    A feed with an explicit ``interval`` adapts within half to four times that interval.
    """
    current = state.interval_s or base_interval(spec, policy)
    interval = current * (SHRINK if changed else GROW)
    if spec.interval is not None:
        configured = spec.interval.total_seconds()
        interval = min(configured * 4, max(configured / 2, interval))
    interval = _clamp(interval, policy)
    if server_min_s:
        interval = max(interval, min(server_min_s, policy.max_interval.total_seconds()))
    jittered = interval * (1 + max(-MAX_JITTER, min(MAX_JITTER, jitter)))
    return interval, now + timedelta(seconds=jittered)


def after_error(
    state: FeedState,
    spec: FeedSpec,
    policy: Polling,
    *,
    now: datetime,
    jitter: float = 0.0,
    retry_after_s: float | None = None,
) -> datetime:
    """Next poll time after a failed poll: exponential backoff on consecutive errors, capped."""
    errors = state.error_count + 1
    backoff = base_interval(spec, policy) * (2 ** min(errors - 1, 10))
    delay = min(backoff, policy.max_interval.total_seconds())
    if retry_after_s:
        delay = max(delay, min(retry_after_s, policy.max_interval.total_seconds()))
    return now + timedelta(seconds=delay * (1 + max(-MAX_JITTER, min(MAX_JITTER, jitter))))

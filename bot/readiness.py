"""What ``/readyz`` checks: the database is reachable and migrated, the poll loop is turning, and
Slack accepts the token (when Slack is configured)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.ops_web import Check
from bot.adapters.slack_checks import auth_test
from bot.adapters.sql.schema import HEAD
from bot.adapters.sql.store import SqlStore
from bot.domain.config import FeedSpec, Polling
from bot.domain.schedule import base_interval
from bot.ports import Clock

SLACK_CACHE = timedelta(seconds=60)  # probes come every few seconds; Slack is asked once a minute


def head_version() -> int:
    return int(HEAD)


def database_check(store: SqlStore) -> Check:
    async def check() -> str | None:
        version = await store.schema_version()
        head = head_version()
        if version != head:
            return f"schema at version {version}, this release needs {head}"
        return None

    return check


def shortest_interval(feeds: list[FeedSpec], policy: Polling) -> timedelta:
    seconds = min((base_interval(f, policy) for f in feeds), default=None)
    return timedelta(seconds=seconds) if seconds is not None else policy.interval


def poll_loop_check(
    feeds: Callable[[], Awaitable[list[FeedSpec]]],
    policy: Polling,
    clock: Clock,
    last_cycle: Callable[[], datetime | None],
) -> Check:
    """The last cycle (or the start) is no older than twice the shortest feed interval."""

    async def check() -> str | None:
        last = last_cycle()
        if last is None:
            return "no poll cycle has run yet"
        limit = 2 * shortest_interval(await feeds(), policy)
        age = clock.now() - last
        if age > limit:
            return f"last poll cycle {int(age.total_seconds())} s ago (limit {int(limit.total_seconds())} s)"
        return None

    return check


def slack_check(client: AsyncWebClient, clock: Clock) -> Check:
    passed_at: list[datetime] = []

    async def check() -> str | None:
        now = clock.now()
        if passed_at and now - passed_at[-1] < SLACK_CACHE:
            return None
        result = await auth_test(client)
        if not result.ok:
            passed_at.clear()
            return f"Slack auth.test failed: {result.error}"
        passed_at[:] = [now]
        return None

    return check

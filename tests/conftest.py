"""Shared fixtures: real SQLite and PostgreSQL stores, loopback servers, a settable clock."""

from __future__ import annotations

import os
import socket
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from bot.adapters.sql.store import SqlStore
from tests.support.pg import PG_URL, fresh_schema
from tests.support.servers import FeedServer, SlackStandIn, feed_server, slack_server

REQUIRE_PG = os.environ.get("SIGNALBOT_REQUIRE_PG") == "1"


class FakeClock:
    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime(2026, 11, 20, 12, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, **kwargs: float) -> None:
        self.current += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


def _pg_reachable() -> bool:
    parts = urlsplit(PG_URL.replace("+psycopg", ""))
    try:
        with socket.create_connection(
            (parts.hostname or "127.0.0.1", parts.port or 5432), timeout=1
        ):
            return True
    except OSError:
        return False


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A PostgreSQL URL whose search_path is a fresh schema, dropped afterwards."""
    if not _pg_reachable():
        if REQUIRE_PG:
            pytest.fail(f"SIGNALBOT_REQUIRE_PG=1 but PostgreSQL is not reachable at {PG_URL}")
        pytest.skip(f"PostgreSQL not reachable at {PG_URL} (set SIGNALBOT_TEST_PG_URL)")
    with fresh_schema("sb") as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'state.db'}"
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
async def store(store_url: str) -> AsyncIterator[SqlStore]:
    s = SqlStore(store_url)
    await s.migrate()
    yield s
    await s.close()


@pytest.fixture
def feeds() -> Iterator[FeedServer]:
    with feed_server() as server:
        yield server


@pytest.fixture
def slack() -> Iterator[SlackStandIn]:
    with slack_server() as server:
        yield server

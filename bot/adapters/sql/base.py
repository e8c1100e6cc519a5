"""The database connection, migrations and row helpers shared by the store's parts."""

from __future__ import annotations

import asyncio
import hashlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from importlib import resources
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine

from bot.domain.models import Assessment, Item
from bot.errors import StoreError

_TS = "%Y-%m-%dT%H:%M:%S.%fZ"


def ts(value: datetime | None) -> str | None:
    """Fixed-width UTC text, so that comparisons in SQL order correctly on both databases."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(_TS)


def parse_ts(value: str | None) -> datetime | None:
    return None if value is None else datetime.strptime(value, _TS).replace(tzinfo=UTC)


def delivery_key(feed: str, item_key: str, destination: str) -> str:
    """The idempotency key of one alert at one destination (stable across processes)."""
    digest = hashlib.sha256(f"{feed}\x00{item_key}\x00{destination}".encode()).hexdigest()
    return f"a-{digest[:32]}"


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) for every migration file, in order."""
    found = []
    for entry in resources.files("bot.adapters.sql.migrations").iterdir():
        match = re.match(r"^(\d{4})_(.+)\.sql$", entry.name)
        if match:
            found.append((int(match.group(1)), match.group(2), entry.read_text("utf-8")))
    return sorted(found)


def _statements(sql: str) -> list[str]:
    body = "\n".join(line for line in sql.splitlines() if not line.strip().startswith("--"))
    return [s.strip() for s in body.split(";") if s.strip()]


def redact_url(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


class SqlBase:
    """An async engine on SQLite (WAL) or PostgreSQL, with the schema migrated at start."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.dialect = "sqlite" if url.startswith("sqlite") else "postgresql"
        self._engine: AsyncEngine = create_async_engine(url, pool_pre_ping=self.dialect != "sqlite")
        # SQLite has one writer at a time: this process's transactions take turns here, where a
        # wait costs nothing, rather than in the database's busy timeout, which a transaction
        # held across a busy event loop's turns could exhaust.
        self._turns: asyncio.Lock | None = None
        if self.dialect == "sqlite":
            event.listen(self._engine.sync_engine, "connect", _sqlite_pragmas)
            self._turns = asyncio.Lock()

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[AsyncConnection]:
        """A transaction (committed when the block ends, rolled back when it raises)."""
        if self._turns is None:
            async with self._engine.begin() as conn:
                yield conn
        else:
            async with self._turns, self._engine.begin() as conn:
                yield conn

    async def _run(self, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
        try:
            async with self._begin() as conn:
                result = await conn.execute(text(sql), params or {})
                return list(result.fetchall()) if result.returns_rows else []
        except SQLAlchemyError as exc:
            raise StoreError(
                f"database error on {redact_url(self.url)}: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}"
            ) from exc

    async def migrate(self) -> None:
        try:
            async with self._engine.begin() as conn:
                # Replicas starting together on a fresh database take turns: the lock comes before
                # anything else, the bookkeeping table included (two concurrent CREATE TABLE IF NOT
                # EXISTS collide on PostgreSQL's catalog).
                if self.dialect == "postgresql":
                    await conn.execute(text("SELECT pg_advisory_xact_lock(4242001)"))
                await conn.execute(
                    text(
                        "CREATE TABLE IF NOT EXISTS schema_migrations "
                        "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
                    )
                )
                rows = await conn.execute(text("SELECT version FROM schema_migrations"))
                applied = {r[0] for r in rows}
                for version, name, sql in migrations():
                    if version in applied:
                        continue
                    for statement in _statements(sql):
                        await conn.execute(text(statement))
                    await conn.execute(
                        text("INSERT INTO schema_migrations VALUES (:v, :n, :t)"),
                        {"v": version, "n": name, "t": ts(datetime.now(UTC))},
                    )
        except SQLAlchemyError as exc:
            raise StoreError(f"could not migrate {redact_url(self.url)}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"could not open {redact_url(self.url)}: {exc}") from exc

    async def schema_version(self) -> int:
        rows = await self._run("SELECT MAX(version) FROM schema_migrations")
        return int(rows[0][0] or 0)

    async def close(self) -> None:
        await self._engine.dispose()


ITEM_COLUMNS = (
    "i.feed, i.key, i.title, i.link, i.summary, i.published, i.source, i.assessment, i.story_id"
)
ITEM_WIDTH = 9


def item_row(row: Any) -> tuple[Item, Assessment | None]:
    feed, key, title, link, summary, published, source, assessment, story = row
    item = Item(
        story=story or "",
        key=key,
        feed=feed,
        title=title,
        link=link,
        summary=summary,
        published=parse_ts(published),
        source=source,
    )
    return item, Assessment.model_validate_json(assessment) if assessment else None


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()

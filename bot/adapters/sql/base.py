"""The database connection, migrations and row helpers shared by the store's parts."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import re
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

from bot.adapters.sql import schema
from bot.adapters.sql.driver import Connection, DatabaseError, Hook, open_database
from bot.domain.models import Assessment, Item
from bot.errors import StoreError
from bot.ports import Notice

_TS = "%Y-%m-%dT%H:%M:%S.%fZ"


def ts(value: datetime | None) -> str | None:
    """Fixed-width UTC text, so that comparisons in SQL order correctly on both databases."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).strftime(_TS)


def parse_ts(value: str | datetime | None) -> datetime | None:
    """A timestamp as read back: a ``timestamptz`` (PostgreSQL) or the fixed-width text (SQLite)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.astimezone(UTC)
    return datetime.strptime(value, _TS).replace(tzinfo=UTC)


def bind_ts(dialect: str, value: datetime | None) -> datetime | str | None:
    """A timestamp as bound on ``dialect``: an aware UTC datetime for PostgreSQL's
    ``timestamptz`` columns, the fixed-width text for SQLite's."""
    if dialect != "postgresql":
        return ts(value)
    if value is None:
        return None
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)


def parse_day(value: str | date) -> date:
    """A calendar day as read back: a ``date`` (PostgreSQL) or ISO text (SQLite)."""
    return value if isinstance(value, date) else date.fromisoformat(value)


def delivery_key(feed: str, item_key: str, destination: str) -> str:
    """The idempotency key of one alert at one destination (stable across processes)."""
    digest = hashlib.sha256(f"{feed}\x00{item_key}\x00{destination}".encode()).hexdigest()
    return f"a-{digest[:32]}"


def redact_url(url: str) -> str:
    """A database URL without its password, for messages."""
    return re.sub(r"(://[^:/@]*:)[^@]*@", r"\1***@", url)


class SqlBase:
    """SQLite (WAL) or PostgreSQL (see ``driver``), with the schema migrated at start."""

    def __init__(self, url: str) -> None:
        self.url = url
        self._db = open_database(url)
        self.dialect = self._db.dialect.name
        # SQLite has one writer at a time: this process's transactions take turns here, where a
        # wait costs nothing, rather than in the database's busy timeout, which a transaction
        # held across a busy event loop's turns could exhaust.
        self._turns: asyncio.Lock | None = asyncio.Lock() if self.dialect == "sqlite" else None
        # The assessments of items recorded with queued alerts, by their stored JSON: the
        # delivery round that reads the alerts back takes them from here instead of parsing the
        # JSON again (the model the JSON was written from, equal to the one it would give).
        self._queued: dict[str, Assessment] = {}
        self._folds: dict[str, Notice] = {}  # the same for the notices alerts were folded into

    def observe(
        self, *, statement: Hook | None = None, commit: Callable[[], None] | None = None
    ) -> None:
        """Call ``statement`` with the SQL of each statement run, ``commit`` after each commit
        (benchmarks and tests count them)."""
        if statement is not None:
            self._db.statement_hooks.append(statement)
        if commit is not None:
            self._db.commit_hooks.append(commit)

    @asynccontextmanager
    async def _begin(self) -> AsyncIterator[Connection]:
        """A transaction (committed when the block ends, rolled back when it raises)."""
        if self._turns is None:
            async with self._db.begin() as conn:
                yield conn
        else:
            async with self._turns, self._db.begin() as conn:
                yield conn

    async def _run(self, sql: str, params: dict[str, Any] | None = None) -> list[Any]:
        try:
            async with self._begin() as conn:
                return (await conn.execute(sql, params or {})).fetchall()
        except DatabaseError as exc:
            raise StoreError(f"database error on {redact_url(self.url)}: {exc}") from exc

    async def _run_many(self, sql: str, rows: list[dict[str, Any]]) -> None:
        """One statement run for each parameter set, in one transaction."""
        try:
            async with self._begin() as conn:
                await conn.execute(sql, rows)
        except DatabaseError as exc:
            raise StoreError(f"database error on {redact_url(self.url)}: {exc}") from exc

    def _ts(self, value: datetime | None) -> datetime | str | None:
        """``value`` bound for this database's timestamp columns."""
        return bind_ts(self.dialect, value)

    async def migrate(self) -> None:
        """Bring the schema to this release's head (see ``schema``): one query when it is there
        already, and an empty SQLite database is created at the head directly; otherwise
        Alembic, in a transaction holding the migration lock."""
        if await self.schema_revision() == schema.HEAD:
            return
        try:
            if self.dialect == "sqlite":
                async with self._begin() as conn:
                    if await schema.create_at_head(conn):
                        return
            # Replicas starting together on a fresh database take turns: the lock comes before
            # anything else, and the revision is read again under it.
            await self._sync(schema.upgrade, lock=True)
        except DatabaseError as exc:
            raise StoreError(f"could not migrate {redact_url(self.url)}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"could not open {redact_url(self.url)}: {exc}") from exc

    async def downgrade(self, target: str) -> None:
        """Take the schema back to revision ``target`` (for running an earlier release)."""
        try:
            await self._sync(schema.downgrade, target, lock=True)
        except DatabaseError as exc:
            raise StoreError(f"could not downgrade {redact_url(self.url)}: {exc}") from exc

    async def schema_revision(self) -> str | None:
        """The revision the database is at; None when Alembic never ran on it."""
        try:
            async with self._begin() as conn:
                return await schema.read_revision(conn)
        except DatabaseError as exc:
            # A missing table fails the query (and a PostgreSQL transaction): look whether it
            # is there, in a transaction of its own, and raise what else went wrong.
            if not await self.has_table("alembic_version"):
                return None
            try:  # another process may have created it since: read it again
                async with self._begin() as conn:
                    return await schema.read_revision(conn)
            except DatabaseError:
                raise StoreError(f"could not read the schema revision: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"could not open {redact_url(self.url)}: {exc}") from exc

    async def has_table(self, name: str) -> bool:
        try:
            async with self._begin() as conn:
                return await schema.has_table_named(conn, name)
        except DatabaseError as exc:
            raise StoreError(f"could not open {redact_url(self.url)}: {exc}") from exc

    async def schema_version(self) -> int:
        """The revision as a number (the runner before Alembic recorded the same numbers);
        0 for an empty database."""
        revision = await self.schema_revision()
        if revision is not None:
            return int(revision)
        return await self._run_sync(schema.legacy_version) or 0

    async def _sync[T](self, func: Callable[..., T], *args: Any, lock: bool = False) -> T:
        """``func`` on a SQLAlchemy connection (Alembic's), in a transaction of its own."""
        if self._turns is None:
            return await self._db.run_sync(func, *args, lock=lock)
        async with self._turns:
            return await self._db.run_sync(func, *args, lock=lock)

    async def _run_sync[T](self, func: Callable[..., T], *args: Any) -> T:
        try:
            return await self._sync(func, *args)
        except DatabaseError as exc:
            raise StoreError(f"database error on {redact_url(self.url)}: {exc}") from exc
        except OSError as exc:
            raise StoreError(f"could not open {redact_url(self.url)}: {exc}") from exc

    async def close(self) -> None:
        await self._db.close()


ITEM_COLUMNS = (
    "i.feed, i.key, i.title, i.link, i.summary, i.published, i.source, i.assessment, i.story_id"
)
ITEM_WIDTH = 9


def item_row(
    row: Any, known: dict[str, Assessment] | None = None
) -> tuple[Item, Assessment | None]:
    """The item of a row of ``ITEM_COLUMNS`` and its assessment, taken from ``known`` (by its
    JSON) when it is there."""
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
    if not assessment:
        return item, None
    found = known.get(assessment) if known else None
    return item, found if found is not None else Assessment.model_validate_json(assessment)


QUEUED_MEMO = 20_000
"""At most this many assessments are kept for the delivery round (a cold cycle's relevant items
fit; more are parsed again when read back)."""

IN_CHUNK = 500
"""Values per ``IN (...)`` list (well under both databases' parameter limits)."""
_CHUNK = 200
"""Rows per multi-row statement (a dozen parameters each: well under both databases' limit)."""


@functools.lru_cache(maxsize=64)
def insert_sql(table: str, fields: tuple[str, ...], rows: int, tail: str) -> str:
    """``INSERT INTO table (fields) VALUES (...), (...) tail`` for ``rows`` rows (kept: the same
    text each time lets the database's statement cache reuse it)."""
    groups = ", ".join("(" + ", ".join(f":{f}_{n}" for f in fields) + ")" for n in range(rows))
    return f"INSERT INTO {table} ({', '.join(fields)}) VALUES {groups} {tail}"


def insert_params(fields: Sequence[str], rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The parameters of ``insert_sql`` for these rows."""
    return {f"{f}_{n}": row[f] for n, row in enumerate(rows) for f in fields}


def chunks[T](rows: list[T]) -> list[list[T]]:
    return [rows[i : i + _CHUNK] for i in range(0, len(rows), _CHUNK)]

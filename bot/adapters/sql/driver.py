"""The connections under the store: SQLite through ``sqlite3``, PostgreSQL through SQLAlchemy.

SQLite is the embedded default that a cron ``poll --once`` starts on, so it needs no SQLAlchemy
(about a quarter of a second to import): ``sqlite3`` binds the store's ``:name`` parameters
itself. PostgreSQL goes through SQLAlchemy's async engine (psycopg, a pool with pre-ping). Both
run the same SQL text, return rows as tuples and raise ``DatabaseError`` for whatever the driver
raised. Alembic, which needs a SQLAlchemy connection, gets one through ``run_sync``: on SQLite a
short-lived synchronous engine on the same file, in a thread.

SQLite keeps the driver's own transaction handling (what SQLAlchemy used as well): a transaction
begins at the first write, so reads before it wait for no lock, and ``BEGIN IMMEDIATE`` takes the
write lock at once where a caller needs it.
"""

from __future__ import annotations

import asyncio
import functools
import sqlite3
import time
from collections.abc import AsyncIterator, Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import asynccontextmanager, suppress
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from sqlalchemy import Connection as SyncConnection
    from sqlalchemy.ext.asyncio import AsyncConnection

Params = dict[str, Any] | Sequence[dict[str, Any]] | None
Hook = Callable[[str], None]

PRAGMAS = ("PRAGMA busy_timeout=5000", "PRAGMA synchronous=NORMAL")
WAL_WAIT_S = 5.0


def set_wal(conn: Any) -> None:
    """Put the database in WAL mode (a DB-API connection to SQLite). Switching a fresh file
    takes the exclusive lock, and SQLite answers "database is locked" at once, without waiting
    for the busy timeout, when another process holds a lock then (it is switching the same file
    or already creating the schema); the switch is retried until it is done, for up to
    ``WAL_WAIT_S`` seconds."""
    deadline = time.monotonic() + WAL_WAIT_S
    while True:
        cursor = conn.cursor()
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
        finally:
            cursor.close()
        time.sleep(0.01)  # in the connection's own thread


"""Every SQLite connection: write-ahead log, and a wait for another process's write lock."""


class DatabaseError(Exception):
    """A connection, statement or commit failed; ``orig`` is what the driver raised."""

    def __init__(self, orig: BaseException) -> None:
        super().__init__(f"{orig.__class__.__name__}: {orig}")
        self.orig = orig


class Dialect(NamedTuple):
    name: str


class Result:
    """The rows a statement returned (none for a statement without ``RETURNING``)."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def fetchall(self) -> list[Any]:
        return self._rows

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def scalar(self) -> Any:
        row = self.first()
        return None if row is None else row[0]


def sql_text(statement: Any) -> str:
    """The SQL of ``statement``: a string, or anything with the text in ``.text`` (SQLAlchemy's
    ``text()``)."""
    return statement if isinstance(statement, str) else str(statement.text)


class Connection:
    """A connection inside one transaction (``Database.begin``)."""

    dialect: Dialect

    def __init__(self, hooks: list[Hook]) -> None:
        self._hooks = hooks

    async def execute(self, statement: Any, params: Params = None) -> Result:
        """Run ``statement`` with ``params`` (a list of parameter sets runs it once per set)."""
        sql = sql_text(statement)
        for hook in self._hooks:
            hook(sql)
        return await self._execute(sql, params)

    async def _execute(self, sql: str, params: Params) -> Result:
        raise NotImplementedError


class _SqliteConnection(Connection):
    dialect = Dialect("sqlite")

    def __init__(self, db: SqliteDatabase, hooks: list[Hook]) -> None:
        super().__init__(hooks)
        self._db = db
        self.writing = False
        """Whether a statement opened a transaction (sqlite3 begins one before a write): one
        that only read has nothing to commit, and its commit, a call to the connection's thread,
        is left out."""

    async def _execute(self, sql: str, params: Params) -> Result:
        if params is not None and not isinstance(params, dict):
            self.writing |= await self._db.call(_execute_many, sql, params)
            return Result([])
        rows, writing = await self._db.call(_execute, sql, params or {})
        self.writing |= writing
        return Result(rows)


def _execute(conn: sqlite3.Connection, sql: str, params: dict[str, Any]) -> tuple[list[Any], bool]:
    cursor = conn.execute(sql, params)
    try:
        return cursor.fetchall(), conn.in_transaction
    finally:
        cursor.close()


def _execute_many(conn: sqlite3.Connection, sql: str, params: Sequence[dict[str, Any]]) -> bool:
    conn.executemany(sql, params).close()
    return conn.in_transaction


class _SqlAlchemyConnection(Connection):
    dialect = Dialect("postgresql")

    def __init__(self, conn: AsyncConnection, hooks: list[Hook]) -> None:
        super().__init__(hooks)
        self._conn = conn

    async def _execute(self, sql: str, params: Params) -> Result:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            result = await self._conn.execute(_statement(sql), params or {})
            return Result(list(result.fetchall()) if result.returns_rows else [])
        except SQLAlchemyError as exc:
            raise DatabaseError(getattr(exc, "orig", None) or exc) from exc


@functools.lru_cache(maxsize=512)
def _statement(sql: str) -> Any:
    """SQLAlchemy's statement for ``sql``, built once per text (building one parses its
    placeholders with a regular expression, which costs more than running a small query)."""
    from sqlalchemy import text

    return text(sql)


class Database:
    """The connections to one database (``open_database``)."""

    dialect: Dialect

    def __init__(self) -> None:
        self.statement_hooks: list[Hook] = []
        self.commit_hooks: list[Callable[[], None]] = []

    def begin(self) -> Any:  # an async context manager of a Connection
        raise NotImplementedError

    async def run_sync[T](self, func: Callable[..., T], *args: Any, lock: bool = False) -> T:
        """``func(conn, *args)`` on a SQLAlchemy ``Connection`` in a transaction of its own,
        taking the migration lock first when ``lock``."""
        raise NotImplementedError

    async def close(self) -> None:
        raise NotImplementedError

    def _committed(self) -> None:
        for hook in self.commit_hooks:
            hook()


class SqliteDatabase(Database):
    """One connection, opened on first use, used by one thread of its own: each statement is a
    call there, so the event loop never waits on the disk (the store's transactions take turns on
    the connection)."""

    dialect = Dialect("sqlite")

    def __init__(self, path: str) -> None:
        super().__init__()
        self.path = path
        self._thread: ThreadPoolExecutor | None = None
        self._conn: sqlite3.Connection | None = None

    async def call[T](self, func: Callable[..., T], *args: Any) -> T:
        """``func(connection, *args)`` in the connection's thread."""
        if self._thread is None:
            self._thread = ThreadPoolExecutor(1, thread_name_prefix="sqlite")
        loop = asyncio.get_running_loop()
        try:
            if self._conn is None:
                self._conn = await loop.run_in_executor(self._thread, self._open)
            return await loop.run_in_executor(self._thread, partial(func, self._conn, *args))
        except sqlite3.Error as exc:
            raise DatabaseError(exc) from exc

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path)
        try:
            for pragma in PRAGMAS:
                conn.execute(pragma).close()
            set_wal(conn)
        except sqlite3.Error:
            conn.close()
            raise
        return conn

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[Connection]:
        conn = _SqliteConnection(self, self.statement_hooks)
        try:
            yield conn
        except BaseException:
            if self._conn is not None:
                with suppress(DatabaseError):
                    await self.call(sqlite3.Connection.rollback)
            raise
        if self._conn is not None and conn.writing:
            try:
                await self.call(sqlite3.Connection.commit)
            except DatabaseError:
                with suppress(DatabaseError):
                    await self.call(sqlite3.Connection.rollback)
                raise
        self._committed()

    async def run_sync[T](self, func: Callable[..., T], *args: Any, lock: bool = False) -> T:
        return await asyncio.to_thread(_sqlite_sync, self.path, func, args, lock)

    async def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is None:
            return
        conn, self._conn = self._conn, None
        if conn is not None:
            await asyncio.get_running_loop().run_in_executor(thread, conn.close)
        thread.shutdown(wait=False)


def _sqlite_sync[T](path: str, func: Callable[..., T], args: tuple[Any, ...], lock: bool) -> T:
    from sqlalchemy import create_engine, event
    from sqlalchemy.exc import SQLAlchemyError
    from sqlalchemy.pool import NullPool

    engine = create_engine(f"sqlite:///{path}", poolclass=NullPool)
    event.listen(engine, "connect", _pragmas)
    try:
        with engine.begin() as conn:
            if lock:  # the write lock now, not at the first write (waits up to busy_timeout)
                conn.exec_driver_sql("BEGIN IMMEDIATE")
            return func(conn, *args)
    except SQLAlchemyError as exc:
        raise DatabaseError(getattr(exc, "orig", None) or exc) from exc
    finally:
        engine.dispose()


def _pragmas(dbapi_conn: Any, _record: Any) -> None:
    cursor = dbapi_conn.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()
    set_wal(dbapi_conn)


MIGRATION_LOCK = 4242001
"""The PostgreSQL advisory lock key that migrating processes take turns on."""


class SqlAlchemyDatabase(Database):
    """SQLAlchemy's async engine (PostgreSQL): a pool, connections checked before use."""

    dialect = Dialect("postgresql")

    def __init__(self, url: str) -> None:
        super().__init__()
        from sqlalchemy.ext.asyncio import create_async_engine

        self._engine = create_async_engine(url, pool_pre_ping=True)

    @asynccontextmanager
    async def begin(self) -> AsyncIterator[Connection]:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            async with self._engine.begin() as conn:
                yield _SqlAlchemyConnection(conn, self.statement_hooks)
        except SQLAlchemyError as exc:
            raise DatabaseError(getattr(exc, "orig", None) or exc) from exc
        self._committed()

    async def run_sync[T](self, func: Callable[..., T], *args: Any, lock: bool = False) -> T:
        from sqlalchemy import text
        from sqlalchemy.exc import SQLAlchemyError

        def locked(conn: SyncConnection, *args: Any) -> T:
            if lock:  # before anything else: concurrent CREATE TABLEs collide in the catalog
                conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": MIGRATION_LOCK})
            return func(conn, *args)

        try:
            async with self._engine.begin() as conn:
                return await conn.run_sync(locked, *args)
        except SQLAlchemyError as exc:
            raise DatabaseError(getattr(exc, "orig", None) or exc) from exc

    async def close(self) -> None:
        await self._engine.dispose()


def open_database(url: str) -> Database:
    """SQLite for ``sqlite…:///path`` URLs, else SQLAlchemy's engine for ``url``."""
    if url.startswith("sqlite"):
        return SqliteDatabase(url.split(":///", 1)[1] if ":///" in url else ":memory:")
    return SqlAlchemyDatabase(url)

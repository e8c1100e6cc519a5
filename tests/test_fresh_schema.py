"""An empty SQLite database is created at the head without Alembic: the result must be what
Alembic's revisions make, table for table and index for index, stamped at the same revision."""

from __future__ import annotations

import re
import sqlite3
import threading
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.sql import schema
from bot.adapters.sql.driver import set_wal
from bot.adapters.sql.store import SqlStore


def layout(path: Path) -> list[tuple[str, str, str, str]]:
    """Every table and index of the database with its SQL, whitespace normalised."""
    with closing(sqlite3.connect(path)) as db:
        rows = db.execute("SELECT type, name, tbl_name, sql FROM sqlite_master").fetchall()
    out = []
    for kind, name, table, sql in rows:
        text = re.sub(r"\s+", " ", sql or "")
        text = text.replace("( ", "(").replace(" )", ")")
        out.append((kind, name, table, text))
    return sorted(out)


def revision(path: Path) -> list[tuple[str]]:
    with closing(sqlite3.connect(path)) as db:
        return db.execute("SELECT version_num FROM alembic_version").fetchall()


async def test_an_empty_sqlite_database_is_created_as_alembics_revisions_make_it(
    tmp_path: Path,
) -> None:
    direct, alembic = tmp_path / "direct.db", tmp_path / "alembic.db"
    store = SqlStore(f"sqlite+aiosqlite:///{direct}")
    try:
        await store.migrate()
    finally:
        await store.close()
    store = SqlStore(f"sqlite+aiosqlite:///{alembic}")
    try:
        await store._sync(schema.upgrade, lock=True)  # what a database behind the head gets
    finally:
        await store.close()
    assert layout(direct) == layout(alembic)
    assert revision(direct) == revision(alembic) == [(schema.HEAD,)]
    assert any(name == "outbox" for _, name, _, _ in layout(direct))


async def test_a_database_with_tables_is_left_to_alembic(tmp_path: Path) -> None:
    """Only an empty database is created directly; one with any table (the runner before
    Alembic, an earlier release) goes through the revisions."""
    path = tmp_path / "state.db"
    with closing(sqlite3.connect(path)) as db:
        db.execute("CREATE TABLE unrelated (x INTEGER)")
        db.commit()
    store = SqlStore(f"sqlite+aiosqlite:///{path}")
    try:
        await store.migrate()
        assert await store.schema_revision() == schema.HEAD
    finally:
        await store.close()
    names = {name for _, name, _, _ in layout(path)}
    assert {"unrelated", "items", "alembic_version"} <= names


def test_wal_is_set_once_another_process_lets_go_of_its_write_lock(tmp_path: Path) -> None:
    """SQLite refuses a switch to WAL at once ("database is locked", no busy wait) while another
    connection holds the write lock, as a process creating the schema does: the switch waits."""
    path = tmp_path / "state.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("CREATE TABLE t (x)")
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(0.3, holder.execute, ("COMMIT",))
    release.start()
    with closing(sqlite3.connect(path)) as conn:
        set_wal(conn)
        release.join()
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    holder.close()


async def test_a_revision_table_created_meanwhile_is_read_not_reported_as_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Replicas starting together: between this process finding no ``alembic_version`` and
    looking whether the table exists, another one creates the schema. The revision is read."""
    path = tmp_path / "state.db"
    other = SqlStore(f"sqlite+aiosqlite:///{path}")
    store = SqlStore(f"sqlite+aiosqlite:///{path}")
    looked = schema.has_table_named

    async def another_process_migrates_first(conn: Any, name: str) -> bool:
        monkeypatch.setattr(schema, "has_table_named", looked)  # the other one looks as usual
        await other.migrate()  # on its own connection
        return await looked(conn, name)

    monkeypatch.setattr(schema, "has_table_named", another_process_migrates_first)
    try:
        assert await store.schema_revision() == schema.HEAD
    finally:
        await other.close()
        await store.close()

"""The schema under Alembic: a fresh database reaches the head, a database of the runner that
preceded Alembic keeps its rows through the upgrade, replicas migrating together all succeed,
PostgreSQL gets typed columns, and a database at head starts without importing Alembic."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from datetime import date, timedelta
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from bot.adapters.sql import schema
from bot.adapters.sql.base import ts
from bot.adapters.sql.migrations import statements
from bot.adapters.sql.migrations.versions.v0008_typed_columns import DATES, TIMESTAMPS
from bot.adapters.sql.store import SqlStore
from bot.cli import main
from bot.domain.config import Destination, FeedSpec
from bot.domain.schedule import FeedState
from bot.ports import Reminder
from tests.test_lazy_imports import loaded_after
from tests.test_store_contract import ASSESSMENT, NOW

SPEC = FeedSpec(name="extra", url="https://x.org/rss")
STATE = FeedState(name="wire", etag='"v1"', polls=3, next_poll_at=NOW + timedelta(minutes=5))
REMINDER = Reminder(
    story="s1",
    destination=Destination.parse("slack:C1"),
    due=date(2026, 12, 1),
    remind_on=date(2026, 11, 30),
    kind="ahead",
    phrase="by December 1",
    feed="wire",
    item_key="guid:1",
)


def legacy_files() -> list[str]:
    """The SQL files the runner before Alembic applied, in order."""
    found = resources.files("bot.adapters.sql.migrations").iterdir()
    return sorted(f.name for f in found if f.name.endswith(".sql") and f.name[:4].isdigit())


async def build_legacy(url: str, upto: int) -> None:
    """A database as the runner before Alembic left it at version ``upto``, with rows written
    the way the store wrote them then (timestamps as fixed-width text)."""
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "CREATE TABLE schema_migrations "
                "(version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)"
            )
        )
        for name in legacy_files()[:upto]:
            for statement in statements(name):
                await conn.execute(text(statement))
            await conn.execute(
                text("INSERT INTO schema_migrations VALUES (:v, :n, :t)"),
                {"v": int(name[:4]), "n": name[5:-4], "t": ts(NOW)},
            )
        rows = [
            "INSERT INTO feeds (name, spec, added_by, added_at, origin) "
            "VALUES ('extra', :spec, 'U1', :old, 'cli')",
            "INSERT INTO feed_state (name, state, next_poll_at) VALUES ('wire', :state, :next)",
            "INSERT INTO items (feed, key, title, link, published, relevant, assessment, "
            "story_id, seen_at) VALUES ('wire', 'guid:1', 'item 1', 'https://x.org/1', :old, 1, "
            ":assessment, 's1', :seen)",
            "INSERT INTO deliveries (feed, item_key, destination, route, status, story_id, "
            "next_attempt_at, created_at) VALUES ('wire', 'guid:1', 'slack:C1', 'r', 'pending', "
            "'s1', :seen, :seen)",
            "INSERT INTO reminders (story_id, destination, due_date, remind_on, kind, phrase, "
            "feed, item_key) VALUES ('s1', 'slack:C1', '2026-12-01', '2026-11-30', 'ahead', "
            "'by December 1', 'wire', 'guid:1')",
        ]
        if upto >= 6:
            rows.append(
                "INSERT INTO websub_refusals (id, at, callback, feed, reason) "
                "VALUES ('r1', :seen, 'cb', 'wire', 'bad signature')"
            )
        params = {
            "spec": SPEC.model_dump_json(),
            "state": STATE.model_dump_json(),
            "next": ts(STATE.next_poll_at),
            "assessment": ASSESSMENT.model_dump_json(),
            "old": ts(NOW - timedelta(hours=1)),
            "seen": ts(NOW - timedelta(minutes=30)),
        }
        for sql in rows:
            await conn.execute(text(sql), {k: v for k, v in params.items() if f":{k}" in sql})
    await engine.dispose()


async def test_the_head_constant_is_alembics_head_and_revisions_are_numbered_in_order() -> None:
    from alembic.script import ScriptDirectory

    assert schema.script_head() == schema.HEAD
    scripts = ScriptDirectory.from_config(schema.alembic_config())
    ids = [s.revision for s in reversed(list(scripts.walk_revisions()))]
    assert ids == [f"{n:04d}" for n in range(1, int(schema.HEAD) + 1)]


async def test_a_fresh_database_is_brought_to_the_head(store_url: str) -> None:
    store = SqlStore(store_url)
    try:
        assert await store.schema_revision() is None
        assert await store.schema_version() == 0
        await store.migrate()
        assert await store.schema_revision() == schema.HEAD
        await store.migrate()  # at head: nothing to do
        assert await store.schema_revision() == schema.HEAD
    finally:
        await store.close()


@pytest.mark.parametrize("upto", [3, 7])
async def test_a_database_of_the_earlier_runner_keeps_its_rows_through_the_upgrade(
    store_url: str, upto: int
) -> None:
    await build_legacy(store_url, upto)
    store = SqlStore(store_url, owner="h:1")
    try:
        assert await store.schema_revision() is None
        assert await store.schema_version() == upto
        await store.migrate()
        assert await store.schema_revision() == schema.HEAD
        assert await store.user_feeds() == [SPEC]
        assert await store.feed_state("wire") == STATE
        found = await store.item("wire", "guid:1")
        assert found is not None
        assert found[0].published == NOW - timedelta(hours=1)
        assert found[1] == ASSESSMENT
        recent = await store.recent_items(NOW - timedelta(hours=1))
        assert [i.key for i, _ in recent] == ["guid:1"]
        assert await store.recent_items(NOW - timedelta(minutes=29)) == []
        due = await store.due_deliveries(NOW)
        assert [(d.alert.item.key, d.queued_at) for d in due] == [
            ("guid:1", NOW - timedelta(minutes=30))
        ]
        assert await store.due_reminders(date(2026, 11, 29)) == []
        assert await store.due_reminders(date(2026, 11, 30)) == [REMINDER]
        if upto >= 6:
            refusals = await store.websub_refusals(NOW - timedelta(hours=1))
            assert refusals == [(NOW - timedelta(minutes=30), "wire", "bad signature")]
        assert not await store._run_sync(schema.has_table, "schema_migrations")
    finally:
        await store.close()


async def test_the_typed_columns_go_back_to_text_and_up_again_with_their_values(
    store_url: str,
) -> None:
    """The history runs both ways: down to 0007 (what the earlier runner reads) and back."""
    await build_legacy(store_url, 7)
    store = SqlStore(store_url, owner="h:1")
    try:
        await store.migrate()
        await store.downgrade("0007")
        assert await store._run("SELECT MAX(version) FROM schema_migrations") == [(7,)]
        seen = await store._run("SELECT seen_at FROM items")
        assert seen == [(ts(NOW - timedelta(minutes=30)),)]
        await store.migrate()
        assert await store.schema_revision() == schema.HEAD
        assert [d.queued_at for d in await store.due_deliveries(NOW)] == [
            NOW - timedelta(minutes=30)
        ]
        await store.downgrade("base")
        assert not await store._run_sync(schema.has_table, "items")
    finally:
        await store.close()


async def test_postgresql_columns_are_timestamptz_date_and_integer(pg_url: str) -> None:
    store = SqlStore(pg_url)
    try:
        await store.migrate()
        rows = await store._run(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = current_schema()"
        )
    finally:
        await store.close()
    types = {(t, c): kind for t, c, kind in rows}
    stamps = {(t, c) for t, cols in TIMESTAMPS.items() for c in cols}
    assert {k for k, kind in types.items() if kind == "timestamp with time zone"} == stamps
    assert {k for k, kind in types.items() if kind == "date"} == {
        (t, c) for t, cols in DATES.items() for c in cols
    }
    # no timestamp left as text (a column named like one would be)
    assert not [k for k, kind in types.items() if kind == "text" and k[1].endswith("_at")]
    for column in [
        ("items", "relevant"),
        ("deliveries", "attempts"),
        ("outbox", "attempts"),
        ("feedback", "vote"),
        ("owners", "pid"),
    ]:
        assert types[column] == "integer", column


MIGRATE = """
import asyncio, sys
from bot.adapters.sql.store import SqlStore

async def go(url):
    store = SqlStore(url)
    try:
        await store.migrate()
        print(await store.schema_revision(), flush=True)
    finally:
        await store.close()

print("ready", flush=True)
sys.stdin.readline()
asyncio.run(go(sys.argv[1]))
"""


def test_processes_migrating_a_fresh_database_together_all_succeed(store_url: str) -> None:
    """Three processes, released together once each has imported the store, migrate the same
    fresh database: every one exits 0 at the head."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", MIGRATE, store_url],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(3)
    ]
    for process in processes:
        assert process.stdout is not None
        assert process.stdout.readline().strip() == "ready"
    for process in processes:
        assert process.stdin is not None
        process.stdin.write("go\n")
        process.stdin.flush()
    results = [process.communicate(timeout=120) for process in processes]
    assert [p.returncode for p in processes] == [0, 0, 0], [err for _, err in results]
    assert [out.strip() for out, _ in results] == [schema.HEAD] * 3


def test_db_current_and_upgrade_on_a_database_of_the_earlier_runner(
    store_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SIGNALBOT_DATABASE_URL", store_url)
    asyncio.run(build_legacy(store_url, 7))
    runner = CliRunner()
    before = runner.invoke(main, ["db", "current", "--data-dir", str(tmp_path)])
    assert before.exit_code == 1
    assert "revision 0007 (recorded before Alembic)" in before.output
    assert f"head is {schema.HEAD}" in before.output
    upgraded = runner.invoke(main, ["db", "upgrade", "--data-dir", str(tmp_path)])
    assert upgraded.exit_code == 0, upgraded.output
    assert f"upgraded from 0007 to {schema.HEAD}" in upgraded.output
    again = runner.invoke(main, ["db", "upgrade", "--data-dir", str(tmp_path)])
    assert f"already at revision {schema.HEAD}" in again.output
    after = runner.invoke(main, ["db", "current", "--data-dir", str(tmp_path)])
    assert after.exit_code == 0
    assert f"revision {schema.HEAD} (head)" in after.output
    back = runner.invoke(main, ["db", "downgrade", "0007", "--data-dir", str(tmp_path)])
    assert back.exit_code == 0, back.output
    assert "at revision 0007" in back.output
    behind = runner.invoke(main, ["db", "current", "--data-dir", str(tmp_path)])
    assert behind.exit_code == 1
    assert f"revision 0007, this release's head is {schema.HEAD}" in behind.output


def test_db_current_names_a_missing_sqlite_database_without_creating_it(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["db", "current", "--data-dir", str(tmp_path / "data")])
    assert result.exit_code == 1
    assert "no database yet" in result.output
    assert not (tmp_path / "data" / "signalbot.db").exists()


def test_poll_once_on_a_database_at_head_does_not_import_alembic(tmp_path: Path) -> None:
    config = tmp_path / "signalbot.yaml"
    config.write_text("feeds: []\nroutes:\n  - {name: desk, to: console}\n")
    first, _ = loaded_after(tmp_path, "poll", "--once", "--config", str(config))
    assert "alembic" not in first  # a fresh SQLite database: created at the head directly
    again, _ = loaded_after(tmp_path, "poll", "--once", "--config", str(config))
    assert "alembic" not in again

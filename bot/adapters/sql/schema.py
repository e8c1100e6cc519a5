"""The schema's revision, and bringing a database to this release's head with Alembic.

At start the store reads ``alembic_version`` once; only a database behind ``HEAD`` imports
Alembic (and SQLAlchemy, on SQLite). An empty SQLite database, what every first start on the
embedded default finds, is created at the head directly: the SQL files that revisions
0001–``HEAD`` apply, in one transaction that holds the write lock, then stamped (a test checks
the result against Alembic's). Any other upgrade runs in one transaction that first takes the
migration lock (a PostgreSQL advisory lock; on SQLite the write lock), so replicas starting
together on a fresh database take turns: the first migrates, the others find the head. A
database made by the runner that preceded Alembic (``schema_migrations`` at version N, no
``alembic_version``) is stamped at revision N in that same transaction and upgraded from there.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from bot.adapters.sql.migrations import statements

if TYPE_CHECKING:
    from alembic.config import Config
    from sqlalchemy import Connection as SyncConnection

    from bot.adapters.sql.driver import Connection

HEAD = "0008"
"""The newest revision in ``migrations/versions`` (a test checks it against Alembic's head).
Revision ids are zero-padded sequence numbers: the old runner's version N is revision N."""

SCRIPTS = "bot.adapters.sql:migrations"
"""Alembic's script location, as a package resource (no alembic.ini needed)."""

SQLITE_AT_HEAD = (
    "0001_initial.sql",
    "0002_chat.sql",
    "0003_stories.sql",
    "0004_delivery_leases.sql",
    "0005_feed_health.sql",
    "0006_websub.sql",
    "0007_exactly_once.sql",
)
"""What revisions 0001 to ``HEAD`` make of an empty SQLite database: these files (0008 changes
nothing on SQLite). A revision that changes SQLite's schema adds its statements here."""

ALEMBIC_VERSION = (
    "CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL, "
    "CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num))"
)
"""Alembic's own table, as Alembic creates it."""

log = logging.getLogger(__name__)


async def read_revision(conn: Connection) -> str | None:
    """The revision in ``alembic_version`` (the table must exist; None when it is empty)."""
    row = (await conn.execute("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


async def has_table_named(conn: Connection, name: str) -> bool:
    if conn.dialect.name == "sqlite":
        sql = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = :n"
    else:  # a table of the search path's schemas
        sql = "SELECT COUNT(*) FROM (SELECT to_regclass(:n) AS t) AS r WHERE t IS NOT NULL"
    return bool((await conn.execute(sql, {"n": name})).scalar())


async def create_at_head(conn: Connection) -> bool:
    """Create the schema at ``HEAD`` on an empty SQLite database, holding the write lock;
    False (nothing done) when the database has any table."""
    await conn.execute("BEGIN IMMEDIATE")  # another process may be creating it: wait for it
    if (await conn.execute("SELECT COUNT(*) FROM sqlite_master")).scalar():
        return False
    for filename in SQLITE_AT_HEAD:
        for statement in statements(filename):
            await conn.execute(statement)
    await conn.execute(ALEMBIC_VERSION)
    await conn.execute("INSERT INTO alembic_version (version_num) VALUES (:v)", {"v": HEAD})
    log.info("database schema created at %s", HEAD)
    return True


def has_table(conn: SyncConnection, name: str) -> bool:
    from sqlalchemy import inspect

    return inspect(conn).has_table(name)


def legacy_version(conn: SyncConnection) -> int | None:
    """The version the runner before Alembic recorded, if this database has its table."""
    from sqlalchemy import text

    if not has_table(conn, "schema_migrations"):
        return None
    value = conn.execute(text("SELECT MAX(version) FROM schema_migrations")).scalar()
    return None if value is None else int(value)


def upgrade(conn: SyncConnection, target: str = "head") -> None:
    """Bring the schema to ``target`` on ``conn``, inside its transaction (which must hold the
    migration lock), stamping a database of the earlier runner first."""
    _quiet_alembic()
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = alembic_config(conn)
    if not has_table(conn, "alembic_version"):
        legacy = legacy_version(conn)
        if legacy:
            command.stamp(config, f"{legacy:04d}")
    before = MigrationContext.configure(conn).get_current_revision()
    command.upgrade(config, target)
    after = MigrationContext.configure(conn).get_current_revision()
    if after != before:
        log.info("database schema upgraded from %s to %s", before or "empty", after)


def downgrade(conn: SyncConnection, target: str) -> None:
    """Take the schema back to ``target`` on ``conn``, inside its transaction."""
    _quiet_alembic()
    from alembic import command

    command.downgrade(alembic_config(conn), target)


def alembic_config(conn: SyncConnection | None = None) -> Config:
    """Alembic's configuration, built in code; ``conn`` is the connection revisions run on."""
    _quiet_alembic()
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", SCRIPTS)
    if conn is not None:
        config.attributes["connection"] = conn
    return config


def script_head() -> str | None:
    """The head revision of the scripts shipped with this release (imports Alembic)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def _quiet_alembic() -> None:
    """Alembic's INFO lines (plugins, each revision) off: ``upgrade`` logs one line of its own."""
    logging.getLogger("alembic").setLevel(logging.WARNING)

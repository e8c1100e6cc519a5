"""The schema's revision, and bringing a database to this release's head with Alembic.

At start the store reads ``alembic_version`` once; only a database behind ``HEAD`` imports
Alembic. The upgrade runs in one transaction that first takes the migration lock (a PostgreSQL
advisory lock; on SQLite the write lock), so replicas starting together on a fresh database
take turns: the first migrates, the others find the head. A database made by the runner that
preceded Alembic (``schema_migrations`` at version N, no ``alembic_version``) is stamped at
revision N in that same transaction and upgraded from there.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from sqlalchemy import Connection, inspect, text
from sqlalchemy.ext.asyncio import AsyncConnection

if TYPE_CHECKING:
    from alembic.config import Config

HEAD = "0008"
"""The newest revision in ``migrations/versions`` (a test checks it against Alembic's head).
Revision ids are zero-padded sequence numbers: the old runner's version N is revision N."""

SCRIPTS = "bot.adapters.sql:migrations"
"""Alembic's script location, as a package resource (no alembic.ini needed)."""

log = logging.getLogger(__name__)

_LOCK = 4242001
"""The PostgreSQL advisory lock key that migrating processes take turns on."""


async def read_revision(conn: AsyncConnection) -> str | None:
    """The revision in ``alembic_version`` (the table must exist; None when it is empty)."""
    row = (await conn.execute(text("SELECT version_num FROM alembic_version"))).first()
    return None if row is None else str(row[0])


def has_table(conn: Connection, name: str) -> bool:
    return inspect(conn).has_table(name)


def legacy_version(conn: Connection) -> int | None:
    """The version the runner before Alembic recorded, if this database has its table."""
    if not has_table(conn, "schema_migrations"):
        return None
    value = conn.execute(text("SELECT MAX(version) FROM schema_migrations")).scalar()
    return None if value is None else int(value)


async def lock(conn: AsyncConnection) -> None:
    """Take the migration lock for the rest of ``conn``'s transaction, before anything else."""
    if conn.dialect.name == "postgresql":
        await conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": _LOCK})
    else:  # SQLite: the write lock now, not at the first write (waits up to busy_timeout)
        await conn.exec_driver_sql("BEGIN IMMEDIATE")


def upgrade(conn: Connection, target: str = "head") -> None:
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


def downgrade(conn: Connection, target: str) -> None:
    """Take the schema back to ``target`` on ``conn``, inside its transaction."""
    _quiet_alembic()
    from alembic import command

    command.downgrade(alembic_config(conn), target)


def alembic_config(conn: Connection | None = None) -> Config:
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

"""``signalbot db``: the database schema's revision, and upgrading it to this release's head."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from bot.cli_common import load_settings, run_command

_data_dir = click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="State directory (default: $SIGNALBOT_DATA_DIR or ./data).",
)


@click.group()
def db() -> None:
    """The database schema (SIGNALBOT_DATABASE_URL, else SQLite in the data directory)."""


@db.command()
@_data_dir
def current(data_dir: Path | None) -> None:
    """Print the schema's revision and this release's head; exit 1 unless they are the same."""
    from bot.adapters.sql.base import redact_url
    from bot.adapters.sql.schema import HEAD
    from bot.adapters.sql.store import SqlStore

    url = load_settings(data_dir).db_url()
    if (path := _missing_sqlite_file(url)) is not None:
        click.echo(f"no database yet at {path} (this release's head: {HEAD})")
        sys.exit(1)

    async def go() -> str | None:
        store = SqlStore(url)
        try:
            revision = await store.schema_revision()
            if revision is None and (legacy := await store.schema_version()):
                return f"{legacy:04d} (recorded before Alembic)"
            return revision
        finally:
            await store.close()

    revision = run_command(go())
    shown = redact_url(url)
    if revision == HEAD:
        click.echo(f"{shown}: revision {HEAD} (head)")
        return
    click.echo(
        f"{shown}: revision {revision or 'none (empty database)'}, this release's head is {HEAD}"
        " · `signalbot db upgrade` brings it there"
    )
    sys.exit(1)


@db.command()
@_data_dir
def upgrade(data_dir: Path | None) -> None:
    """Upgrade the schema to this release's head (what `run` and `poll` also do at start;
    replicas starting together take turns)."""
    from bot.adapters.sql.base import redact_url
    from bot.adapters.sql.store import SqlStore

    settings = load_settings(data_dir)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    url = settings.db_url()

    async def go() -> tuple[int, str | None]:
        store = SqlStore(url)
        try:
            before = await store.schema_version()
            await store.migrate()
            return before, await store.schema_revision()
        finally:
            await store.close()

    before, after = run_command(go())
    shown = redact_url(url)
    if before == int(after or 0):
        click.echo(f"{shown}: already at revision {after} (head)")
    else:
        click.echo(f"{shown}: upgraded from {f'{before:04d}' if before else 'empty'} to {after}")


@db.command()
@click.argument("revision")
@_data_dir
def downgrade(revision: str, data_dir: Path | None) -> None:
    """Take the schema back to REVISION (an earlier release's head, e.g. 0007 for the releases
    before Alembic) so that release can run; stop every replica first and keep a backup."""
    from bot.adapters.sql.base import redact_url
    from bot.adapters.sql.store import SqlStore

    url = load_settings(data_dir).db_url()
    if (path := _missing_sqlite_file(url)) is not None:
        raise click.ClickException(f"no database at {path}")

    async def go() -> str | None:
        store = SqlStore(url)
        try:
            await store.downgrade(revision)
            return await store.schema_revision()
        finally:
            await store.close()

    click.echo(f"{redact_url(url)}: at revision {run_command(go()) or 'none (empty)'}")


def _missing_sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    path = Path(url.split(":///", 1)[1])
    return None if path.exists() else path

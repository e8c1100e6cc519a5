"""``signalbot feeds``: list, add and remove watched feeds."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click
from pydantic import ValidationError

from bot.cli_common import common, effective_config, load_settings, run_command
from bot.cli_progress import progress
from bot.cli_sources import accept, source_options, source_spec
from bot.domain.config import (
    FeedSpec,
    check_name,
    feed_name_from_url,
)
from bot.domain.durations import parse_duration


@click.group()
def feeds() -> None:
    """List, add and remove watched feeds."""


@feeds.command("list")
@common
def feeds_list(
    config_path: Path | None,
    data_dir: Path | None,
    feeds: tuple[str, ...],
    slack_channel: str | None,
    teams_webhooks: tuple[str, ...],
) -> None:
    """Show every watched feed with its state."""
    settings = load_settings(data_dir)

    async def go() -> None:
        from bot.app import build_app

        config, source = effective_config(config_path, feeds, slack_channel, teams_webhooks)
        async with build_app(settings, config) as app:
            user = {f.name for f in await app.store.user_feeds()}
            rows = await app.poller.feeds()
            if not rows:
                click.echo("No feeds. Add one with: signalbot feeds add URL")
            for spec in rows:
                state = await app.store.feed_state(spec.name)
                origin = "added" if spec.name in user and spec not in config.feeds else "config"
                last = (
                    f"{state.last_polled_at:%Y-%m-%d %H:%M}"
                    if state.last_polled_at
                    else "never polled"
                )
                tags = f" · tags: {', '.join(spec.tags)}" if spec.tags else ""
                err = f" · ERROR: {state.last_error}" if state.last_error else ""
                click.echo(f"{spec.name:<24} {spec.url}\n{'':<24} {origin}{tags} · {last}{err}")
            click.echo(f"({len(rows)} feed(s); config: {source})")

    run_command(go())


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="Short name (default: from the URL).")
@click.option("--interval", help="Poll interval such as 15m or 2h.")
@click.option("--tag", "tags", multiple=True, help="Tag (repeatable).")
@source_options
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="SIGNALBOT_CONFIG",
)
def feeds_add(
    url: str,
    name: str | None,
    interval: str | None,
    tags: tuple[str, ...],
    data_dir: Path | None,
    config_path: Path | None,
    **source: Any,
) -> None:
    """Watch a new feed, Federal Register query or announcement page (it is fetched and read
    before it is accepted; a web page's own feed is found and used)."""
    settings = load_settings(data_dir)

    async def go() -> None:
        from bot.adapters.sources.federal_register import with_fields
        from bot.app import build_app

        config, _ = effective_config(config_path, (), None)
        async with build_app(settings, config) as app:
            taken = {f.name for f in await app.poller.feeds()}
            try:
                feed_name = check_name(name) if name else feed_name_from_url(url, taken)
                spec = FeedSpec(
                    name=feed_name,
                    url=with_fields(url),
                    tags=tags,
                    interval=parse_duration(interval) if interval else None,
                    **source_spec(source),
                )
            except (ValueError, ValidationError) as exc:
                raise click.ClickException(f"invalid feed: {exc}") from None
            if spec.name in taken:
                raise click.ClickException(
                    f"a feed named {spec.name!r} already exists; pick another --name"
                )
            with progress(f"Fetching {url} …"):
                probe = await app.poller.probe(spec)
            if not accept(probe, yes=bool(source.get("yes"))):
                raise click.ClickException("not added")
            await app.store.add_user_feed(probe.spec, "cli", app.clock.now())
            click.echo(f"Added {probe.spec.name}: {probe.describe()}")

    run_command(go())


@feeds.command("remove")
@click.argument("name")
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False))
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="SIGNALBOT_CONFIG",
)
def feeds_remove(name: str, data_dir: Path | None, config_path: Path | None) -> None:
    """Stop watching a feed that was added with `feeds add`."""
    settings = load_settings(data_dir)

    async def go() -> None:
        from bot.app import build_app

        config, source = effective_config(config_path, (), None)
        if any(f.name == name for f in config.feeds):
            raise click.ClickException(f"{name!r} is defined in {source}; remove it there")
        async with build_app(settings, config) as app:
            if not await app.store.remove_user_feed(name):
                raise click.ClickException(f"no feed named {name!r}; see `signalbot feeds list`")
            if app.websub is not None:  # the running bot's web server confirms to the hub
                await app.websub.unsubscribe(name)
            click.echo(f"Removed {name}.")

    run_command(go())

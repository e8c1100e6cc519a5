"""Shared pieces of the command line: settings, config resolution, common options."""

from __future__ import annotations

import logging
from collections.abc import Coroutine
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click
from pydantic import ValidationError

from bot.errors import ConfigError, SignalbotError
from bot.logs import configure_logging
from bot.settings import Settings

if TYPE_CHECKING:
    from bot.domain.config import BotConfig

# The config models, the config file's reader (YAML) and asyncio are imported by the commands
# that use them: ``analyze`` and ``eval`` read no config file and run no event loop.

T = TypeVar("T")
log = logging.getLogger("signalbot")


def run_command[T](coro: Coroutine[Any, Any, T]) -> T:
    import asyncio

    try:
        return asyncio.run(coro)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except SignalbotError as exc:
        raise click.ClickException(str(exc)) from None


def load_settings(data_dir: Path | None) -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        from bot.adapters.config_file import validation_problems

        problems = "\n".join(f"  {k}: {m}" for k, m in validation_problems(exc))
        raise click.ClickException(f"invalid environment settings:\n{problems}") from None
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    configure_logging(settings)
    return settings


def effective_config(
    config_path: Path | None,
    feeds: tuple[str, ...],
    slack_channel: str | None,
    teams_webhooks: tuple[str, ...] = (),
) -> tuple[BotConfig, str]:
    """The config file (or embedded defaults), with ``--feed`` and ``--slack-channel`` applied."""
    from bot.adapters.config_file import resolve_config, validation_problems
    from bot.domain.config import BotConfig, FeedSpec, Route, feed_name_from_url

    if feeds and config_path is None and not Path("signalbot.yaml").exists():
        config, source = BotConfig(), "command line"
    else:
        config, source = resolve_config(config_path)
    extra_feeds = list(config.feeds)
    for url in feeds:
        extra_feeds.append(
            FeedSpec(name=feed_name_from_url(url, {f.name for f in extra_feeds}), url=url)
        )
    routes = list(config.routes)
    if slack_channel:
        routes.append(
            Route.model_validate({"name": "command-line", "to": f"slack:{slack_channel}"})
        )
    for number, url in enumerate(teams_webhooks, 1):
        routes.append(
            Route.model_validate({"name": f"command-line-teams-{number}", "to": f"teams:{url}"})
        )
    if not routes:
        routes.append(Route.model_validate({"name": "console", "to": "console"}))
    try:  # every other section is carried over as it is, whatever sections the file grows
        merged = BotConfig.model_validate(
            {**dict(config), "feeds": tuple(extra_feeds), "routes": tuple(routes)}
        )
    except ValidationError as exc:
        raise ConfigError(validation_problems(exc), "command line") from None
    return merged, source


_common = [
    click.option(
        "--config",
        "config_path",
        type=click.Path(path_type=Path, dir_okay=False),
        envvar="SIGNALBOT_CONFIG",
        help="YAML config file (default: ./signalbot.yaml, else the bundled samples).",
    ),
    click.option(
        "--data-dir",
        type=click.Path(path_type=Path, file_okay=False),
        help="State directory (default: $SIGNALBOT_DATA_DIR or ./data).",
    ),
    click.option(
        "--feed", "feeds", multiple=True, metavar="URL", help="Watch this feed (repeatable)."
    ),
    click.option(
        "--slack-channel", metavar="ID", help="Send every relevant item to this Slack channel."
    ),
    click.option(
        "--teams-webhook",
        "teams_webhooks",
        multiple=True,
        metavar="URL",
        help="Send every relevant item to this Teams Workflows webhook (repeatable).",
    ),
]


def common(func: Any) -> Any:
    for option in reversed(_common):
        func = option(func)
    return func

"""The ``signalbot`` command line."""

from __future__ import annotations

import asyncio
import json
import logging
import sys
from collections.abc import Coroutine
from pathlib import Path
from typing import Any, TextIO, TypeVar
from urllib.parse import urlsplit

import click
from pydantic import ValidationError

from bot.adapters.config_file import resolve_config, validation_problems
from bot.app import build_app, log_cycle, run_forever, serve_forever
from bot.cli_eval import eval_command
from bot.domain.config import (
    BotConfig,
    FeedSpec,
    Route,
    check_name,
    feed_name_from_url,
)
from bot.domain.durations import parse_duration
from bot.domain.models import Article
from bot.errors import ConfigError, SignalbotError
from bot.settings import Settings

T = TypeVar("T")
log = logging.getLogger("signalbot")


def _run[T](coro: Coroutine[Any, Any, T]) -> T:
    try:
        return asyncio.run(coro)
    except ConfigError as exc:
        raise click.ClickException(str(exc)) from None
    except SignalbotError as exc:
        raise click.ClickException(str(exc)) from None


def _settings(data_dir: Path | None) -> Settings:
    try:
        settings = Settings()
    except ValidationError as exc:
        problems = "\n".join(f"  {k}: {m}" for k, m in validation_problems(exc))
        raise click.ClickException(f"invalid environment settings:\n{problems}") from None
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    logging.basicConfig(
        level=settings.log_level.upper()
        if settings.log_level.upper() in logging.getLevelNamesMapping()
        else "INFO",
        format="%(asctime)s %(levelname)-7s %(message)s",
        datefmt="%H:%M:%S",
        stream=sys.stderr,
    )
    for noisy in ("httpx", "httpcore", "slack_sdk", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return settings


def effective_config(
    config_path: Path | None,
    feeds: tuple[str, ...],
    slack_channel: str | None,
    teams_webhooks: tuple[str, ...] = (),
) -> tuple[BotConfig, str]:
    """The config file (or embedded defaults), with ``--feed`` and ``--slack-channel`` applied."""
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
    try:
        merged = BotConfig(
            feeds=tuple(extra_feeds), routes=tuple(routes), polling=config.polling, chat=config.chat
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="signalbot")
def main() -> None:
    """Alerts for geopolitical and trade-policy signals: escalation, commitment clarity, evidence."""


@main.command()
@common
def run(
    config_path: Path | None,
    data_dir: Path | None,
    feeds: tuple[str, ...],
    slack_channel: str | None,
    teams_webhooks: tuple[str, ...],
) -> None:
    """Run the bot: poll every feed on its schedule, score, route and deliver until stopped."""
    settings = _settings(data_dir)

    async def go() -> None:
        config, source = effective_config(config_path, feeds, slack_channel, teams_webhooks)
        log.info("config: %s · state: %s", source, settings.data_dir)
        async with build_app(settings, config) as app:
            await run_forever(app)

    _run(go())


@main.command()
@click.option(
    "--port",
    type=click.IntRange(0, 65535),
    default=None,
    help="Port (default: $SIGNALBOT_PORT or 3000).",
)
@click.option(
    "--host", default=None, help="Address to listen on (default: $SIGNALBOT_HOST or 127.0.0.1)."
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="SIGNALBOT_CONFIG",
)
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False))
def serve(
    port: int | None, host: str | None, config_path: Path | None, data_dir: Path | None
) -> None:
    """Serve the chat routes (/slack/events, /api/messages, /teams/outgoing, /healthz) without polling."""
    settings = _settings(data_dir)
    if host:
        settings = settings.model_copy(update={"host": host})

    async def go() -> None:
        config, source = effective_config(config_path, (), None)
        log.info("config: %s · state: %s", source, settings.data_dir)
        async with build_app(settings, config) as app:
            if not app.settings.slack_enabled:
                log.warning("SLACK_BOT_TOKEN is not set: /slack/events is not served")
            await serve_forever(app, port if port is not None else (settings.port or 3000))

    _run(go())


@main.command()
@common
@click.option("--once", is_flag=True, default=True, help="Run one cycle and exit (the default).")
def poll(
    config_path: Path | None,
    data_dir: Path | None,
    feeds: tuple[str, ...],
    slack_channel: str | None,
    teams_webhooks: tuple[str, ...],
    once: bool,
) -> None:
    """Poll every feed once, deliver, and exit (for cron)."""
    settings = _settings(data_dir)

    async def go() -> int:
        config, source = effective_config(config_path, feeds, slack_channel, teams_webhooks)
        log.info("config: %s · state: %s", source, settings.data_dir)
        async with build_app(settings, config) as app:
            report = await app.poller.poll_once()
            log_cycle(report)
            return 1 if report.outcomes and len(report.failed) == len(report.outcomes) else 0

    sys.exit(_run(go()))


@main.command()
@click.argument("source", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
@click.option(
    "--jsonl",
    "jsonl",
    type=click.File("r", encoding="utf-8"),
    help="Score JSON Lines objects with id and text; one JSON object per line out.",
)
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), hidden=True)
def analyze(source: str | None, as_json: bool, jsonl: TextIO | None, data_dir: Path | None) -> None:
    """Score one article: a URL, or - for text on stdin; or a batch with --jsonl FILE."""
    from bot.domain.scoring import RuleScorer

    if jsonl is not None:
        _analyze_batch(jsonl, RuleScorer())
        return
    if not source:
        raise click.UsageError("give a URL, - for text on stdin, or --jsonl FILE")
    settings = _settings(data_dir)
    scorer = RuleScorer()
    if source == "-":
        text = sys.stdin.read()
        title, _, body = text.strip().partition("\n")
        article = Article(title=title.strip(), text=body.strip() or title.strip())
        link = ""
    else:
        if not source.lower().startswith(("http://", "https://")):
            raise click.UsageError(
                f"{source!r} is not an http(s) URL; use - to read text from stdin"
            )
        article = _run(_fetch_article(settings, source))
        link = source
    assessment = scorer.score(article)
    if as_json:
        click.echo(json.dumps(assessment.model_dump(mode="json"), ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from bot.adapters.clock import SystemClock
    from bot.adapters.console_notify import alert_panel
    from bot.domain.models import Item

    item = Item(
        key="analyze",
        feed="analyze",
        title=article.title or "(pasted text)",
        link=link,
        summary=article.text,
        published=article.published,
        source=urlsplit(link).hostname or "pasted text",
    )
    Console().print(alert_panel(item, assessment, SystemClock()))
    if not assessment.relevant:
        click.echo(
            "Not relevant to the trade and geopolitics beat: no state actor with a policy lever found."
        )


async def _fetch_article(settings: Settings, url: str) -> Article:
    async with build_app(settings, BotConfig()) as app:
        return await app.articles.fetch_article(url)


def _analyze_batch(stream: TextIO, scorer: Any) -> None:
    out = sys.stdout
    for number, line in enumerate(stream, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
            text = obj["text"] if isinstance(obj, dict) else None
            if not isinstance(text, str):
                raise KeyError("text")
        except (json.JSONDecodeError, KeyError) as exc:
            click.echo(
                f"line {number}: skipped, expected a JSON object with a string 'text' ({exc})",
                err=True,
            )
            out.write(
                json.dumps({"id": None, "line": number, "error": "invalid input line"}) + "\n"
            )
            continue
        article = Article(title=str(obj.get("title") or ""), text=text)
        result = {"id": obj.get("id"), **scorer.score(article).model_dump(mode="json")}
        out.write(json.dumps(result, ensure_ascii=False) + "\n")


@main.group()
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
    settings = _settings(data_dir)

    async def go() -> None:
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
                err = f" · ERROR: {state.last_error}" if state.last_error else ""
                click.echo(f"{spec.name:<24} {spec.url}\n{'':<24} {origin} · {last}{err}")
            click.echo(f"({len(rows)} feed(s); config: {source})")

    _run(go())


@feeds.command("add")
@click.argument("url")
@click.option("--name", help="Short name (default: from the URL).")
@click.option("--interval", help="Poll interval such as 15m or 2h.")
@click.option("--tag", "tags", multiple=True, help="Tag (repeatable).")
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
) -> None:
    """Watch a new feed (it is fetched and parsed before it is accepted)."""
    settings = _settings(data_dir)

    async def go() -> None:
        config, _ = effective_config(config_path, (), None)
        async with build_app(settings, config) as app:
            taken = {f.name for f in await app.poller.feeds()}
            try:
                feed_name = check_name(name) if name else feed_name_from_url(url, taken)
                spec = FeedSpec(
                    name=feed_name,
                    url=url,
                    tags=tags,
                    interval=parse_duration(interval) if interval else None,
                )
            except (ValueError, ValidationError) as exc:
                raise click.ClickException(f"invalid feed: {exc}") from None
            if spec.name in taken:
                raise click.ClickException(
                    f"a feed named {spec.name!r} already exists; pick another --name"
                )
            fetched = await app.poller.probe(spec)
            await app.store.add_user_feed(spec, "cli", app.clock.now())
            click.echo(f"Added {spec.name}: {fetched}")

    _run(go())


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
    settings = _settings(data_dir)

    async def go() -> None:
        config, source = effective_config(config_path, (), None)
        if any(f.name == name for f in config.feeds):
            raise click.ClickException(f"{name!r} is defined in {source}; remove it there")
        async with build_app(settings, config) as app:
            if not await app.store.remove_user_feed(name):
                raise click.ClickException(f"no feed named {name!r}; see `signalbot feeds list`")
            click.echo(f"Removed {name}.")

    _run(go())


@main.command("check-config")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="SIGNALBOT_CONFIG",
)
def check_config(config_path: Path | None) -> None:
    """Validate the config file and environment; print every problem with its key path."""
    problems: list[tuple[str, str]] = []
    source = str(config_path or "signalbot.yaml")
    try:
        settings = Settings()
    except ValidationError as exc:
        problems += [(f"env {k}", m) for k, m in validation_problems(exc)]
        settings = None
    try:
        config, source = resolve_config(config_path)
    except ConfigError as exc:
        problems += exc.problems
        source = exc.source or source
        config = None
    if config is not None and settings is not None and not settings.slack_enabled:
        for i, route in enumerate(config.routes):
            if route.to.platform == "slack":
                problems.append(
                    (f"routes[{i}].to", "sends to Slack but SLACK_BOT_TOKEN is not set")
                )
    if problems:
        click.echo(f"{source}: {len(problems)} problem(s)", err=True)
        for path, message in problems:
            click.echo(f"  {path or '<root>'}: {message}", err=True)
        sys.exit(1)
    assert config is not None
    click.echo(f"{source}: OK · {len(config.feeds)} feed(s), {len(config.routes)} route(s)")


main.add_command(eval_command)

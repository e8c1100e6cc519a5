"""The ``signalbot`` command line.

Each command imports the composition root (``bot.app``) and its libraries when it runs, and the
commands of their own modules (``analyze``, ``feeds``, ``eval``, ``doctor``, ``db``) are imported
only when named, so that ``poll --once`` from cron, ``check-config`` and ``analyze -`` load only
what they use (tests/test_lazy_imports.py).
"""

from __future__ import annotations

import gc
import sys
import time
from importlib import import_module
from pathlib import Path

import click

from bot.cli_common import common, effective_config, load_settings, log, run_command

SUBCOMMANDS = {
    "analyze": ("bot.cli_analyze", "analyze"),
    "db": ("bot.cli_db", "db"),
    "doctor": ("bot.cli_doctor", "doctor"),
    "eval": ("bot.cli_eval", "eval_command"),
    "feeds": ("bot.cli_feeds", "feeds"),
}
"""Commands defined in modules of their own, imported when the command line names them."""


class _Commands(click.Group):
    """The command group, with ``SUBCOMMANDS`` imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *SUBCOMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in SUBCOMMANDS and cmd_name not in self.commands:
            module, attr = SUBCOMMANDS[cmd_name]
            command: click.Command = getattr(import_module(module), attr)
            self.add_command(command, cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="signalbot")
def main() -> None:
    """Alerts for geopolitical and trade-policy signals: escalation, commitment clarity, evidence."""
    # httpx imports its own command-line client (rich's progress bars, pygments) whenever click,
    # rich and pygments are installed, as they are with signalbot: ~50 ms that no command uses.
    # Without it httpx defines a stub ``httpx.main`` instead.
    if "httpx" not in sys.modules and "httpx._main" not in sys.modules:
        sys.modules["httpx._main"] = None  # type: ignore[assignment]
    # A poll cycle keeps what it allocates (items, assessments, stories) until its feeds are
    # recorded: with the collector's default first threshold (700 allocations) a cold cycle of
    # 6,000 items walked the whole heap nine times, a tenth of its CPU. Ten times fewer young
    # collections make the full ones rare; cyclic garbage waits a little longer.
    gc.set_threshold(10_000, 10, 10)


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
    from bot.app import build_app, run_forever

    settings = load_settings(data_dir)

    async def go() -> None:
        config, source = effective_config(config_path, feeds, slack_channel, teams_webhooks)
        log.info("config: %s · state: %s", source, settings.data_dir)
        async with build_app(settings, config, metrics=True) as app:
            await run_forever(app)

    run_command(go())


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
    from bot.app import build_app, serve_forever

    settings = load_settings(data_dir)
    if host:
        settings = settings.model_copy(update={"host": host})

    async def go() -> None:
        config, source = effective_config(config_path, (), None)
        log.info("config: %s · state: %s", source, settings.data_dir)
        async with build_app(settings, config, metrics=True) as app:
            if not app.settings.slack_enabled:
                log.warning("SLACK_BOT_TOKEN is not set: /slack/events is not served")
            await serve_forever(
                app,
                port if port is not None else (3000 if settings.port is None else settings.port),
            )

    run_command(go())


@main.command()
@common
@click.option("--once", is_flag=True, default=True, help="Run one cycle and exit (the default).")
@click.option(
    "--all",
    "poll_all",
    is_flag=True,
    help="Poll every feed now, also those not due yet or backing off after errors.",
)
def poll(
    config_path: Path | None,
    data_dir: Path | None,
    feeds: tuple[str, ...],
    slack_channel: str | None,
    teams_webhooks: tuple[str, ...],
    once: bool,
    poll_all: bool,
) -> None:
    """Poll the feeds that are due (every feed with --all), deliver, and exit (for cron)."""
    from bot.app import after_cycle, build_app, log_cycle
    from bot.cli_progress import progress

    settings = load_settings(data_dir)

    async def go() -> int:
        config, source = effective_config(config_path, feeds, slack_channel, teams_webhooks)
        log.info("config: %s · state: %s", source, settings.data_dir)
        async with build_app(settings, config) as app:
            started = time.perf_counter()
            with progress("Polling feeds …"):
                report = await app.poller.poll_once(only_due=not poll_all)
            await after_cycle(app, time.perf_counter() - started)
            log_cycle(report)
            return 1 if report.outcomes and len(report.failed) == len(report.outcomes) else 0

    sys.exit(run_command(go()))


@main.command("check-config")
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="SIGNALBOT_CONFIG",
)
def check_config(config_path: Path | None) -> None:
    """Validate the config file and environment; print every problem with its key path."""
    from pydantic import ValidationError

    from bot.adapters.config_file import resolve_config, validation_problems
    from bot.errors import ConfigError
    from bot.settings import Settings

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

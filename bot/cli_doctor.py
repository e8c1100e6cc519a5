"""``signalbot doctor``: check the whole set-up and say how to fix each problem."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import click


@click.command()
@click.option(
    "--config",
    "config_path",
    type=click.Path(path_type=Path, dir_okay=False),
    envvar="SIGNALBOT_CONFIG",
    help="YAML config file (default: ./signalbot.yaml, else the bundled samples).",
)
@click.option(
    "--data-dir",
    type=click.Path(path_type=Path, file_okay=False),
    help="State directory (default: $SIGNALBOT_DATA_DIR or ./data).",
)
def doctor(config_path: Path | None, data_dir: Path | None) -> None:
    """Check config, database, Slack token, scopes and channels, Teams webhooks and feeds;
    print every problem with its fix; exit 1 on any problem."""
    from bot.doctor import diagnose

    report = asyncio.run(diagnose(config_path, data_dir))
    for line in report.ok:
        click.echo(f"ok  {line}")
    for problem in report.problems:
        click.echo(f"ERR {problem.area}: {problem.what}")
        click.echo(f"    fix: {problem.fix}")
    if report.problems:
        click.echo(f"{len(report.problems)} problem(s) found", err=True)
        sys.exit(1)
    click.echo("no problems found")

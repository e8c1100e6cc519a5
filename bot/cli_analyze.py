"""``signalbot analyze``: score one article, or a JSON Lines batch."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from itertools import chain
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

import click

from bot.analyze_batch import Line, score_lines
from bot.cli_common import load_settings, run_command
from bot.cli_progress import progress
from bot.domain.config import (
    BotConfig,
)
from bot.domain.models import Article
from bot.settings import Settings


class InputError(click.ClickException):
    """Nothing to analyze: exit code 2, like a usage error."""

    exit_code = 2


BLOCK = 32
"""Lines per task of a batch."""
POOL_CHARS = 4_000_000
"""A batch with at least this much text is scored in worker processes (when there are several):
a spawned worker costs about half a second of CPU (a fresh interpreter imports the scorer and
builds its lexicons; forked ones start in milliseconds), which a smaller batch would not win back
(the scorer reads about 2 MB a second)."""


@click.command(
    epilog="Exit codes: 0 done; 1 some --jsonl lines could not be read (each is reported on "
    "stderr with its line number; the others are scored) or the page could not be fetched; "
    "2 nothing to analyze (empty input) or a usage error."
)
@click.argument("source", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the assessment as JSON.")
@click.option(
    "--jsonl",
    "jsonl",
    type=click.File("r", encoding="utf-8"),
    help="Score JSON Lines objects with id and text (title and published optional); one JSON "
    "object per line out.",
)
@click.option(
    "--published",
    metavar="DATE",
    help="When the text on stdin was published (ISO 8601, e.g. 2026-05-12): dates in it such "
    "as 'May 14' or 'next month' are read against it.",
)
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=None,
    help="Processes scoring a --jsonl batch (default: one per core; 1 scores in this process).",
)
@click.option("--pool-chars", type=click.IntRange(0), default=POOL_CHARS, hidden=True)
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), hidden=True)
def analyze(
    source: str | None,
    as_json: bool,
    jsonl: TextIO | None,
    workers: int | None,
    published: str | None,
    pool_chars: int,
    data_dir: Path | None,
) -> None:
    """Score one article: a URL, or - for text on stdin; or a batch with --jsonl FILE."""
    from bot.domain.scoring import RuleScorer

    if published is not None and (jsonl is not None or source != "-"):
        raise click.UsageError(
            "--published is for text on stdin (-): a --jsonl line carries its own 'published', "
            "a page its own date"
        )
    if jsonl is not None:
        bad = _analyze_batch(jsonl, workers, pool_chars)
        if bad:
            sys.exit(1)
        return
    if not source:
        raise click.UsageError("give a URL, - for text on stdin, or --jsonl FILE")
    when = None
    if published is not None:
        from bot.analyze_batch import published_at

        if isinstance(when := published_at(published), str):
            raise click.BadParameter(when.replace("'published'", "it"), param_hint="--published")
    settings = load_settings(data_dir)
    scorer = RuleScorer()
    if source == "-":
        if sys.stdin.isatty():
            click.echo("Type or paste the title, then the text; end with Ctrl-D.", err=True)
        text = sys.stdin.read()
        if not text.strip():
            raise InputError(
                "standard input is empty: give the title on the first line and the text below it"
            )
        title, _, body = text.strip().partition("\n")
        article = Article(title=title.strip(), text=body.strip() or title.strip(), published=when)
        link = ""
    else:
        if not source.lower().startswith(("http://", "https://")):
            raise click.UsageError(
                f"{source!r} is not an http(s) URL; use - to read text from stdin"
            )
        with progress(f"Fetching {source} …"):
            article = run_command(_fetch_article(settings, source))
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
        click.echo(f"out of scope: {assessment.out_of_scope or 'no interstate or policy move'}")


async def _fetch_article(settings: Settings, url: str) -> Article:
    from bot.app import build_app

    async with build_app(settings, BotConfig()) as app:
        return await app.articles.fetch_article(url)


def _blocks(stream: TextIO) -> Iterator[list[Line]]:
    block: list[Line] = []
    for number, line in enumerate(stream, 1):
        if line.strip():
            block.append((number, line))
            if len(block) == BLOCK:
                yield block
                block = []
    if block:
        yield block


def _analyze_batch(stream: TextIO, workers: int | None, pool_chars: int = POOL_CHARS) -> int:
    """Score each line; a line that cannot be read is reported on stderr (and as an error object
    in its place on stdout). Returns how many lines were bad. With more than one worker, a batch
    of more than a few blocks is scored in worker processes, output in input order."""
    from bot.adapters.scoring_pool import ScoringPool
    from bot.domain.scoring import RuleScorer

    out = sys.stdout
    name = getattr(stream, "name", "-")
    read = bad = 0
    pool = ScoringPool(RuleScorer, workers=workers)
    blocks = _blocks(stream)
    first: list[list[Line]] = []
    size = 0
    if pool.processes:
        for block in blocks:
            first.append(block)
            size += sum(len(line) for _, line in block)
            if size >= pool_chars:
                break
    pooled = size >= pool_chars
    try:
        if pooled:  # before the spinner's thread, so that the workers can be forked
            pool.executor()
        with progress(
            f"Scoring {'standard input' if name in ('-', '<stdin>') else name} …"
        ) as update:
            for outcomes in pool.map_ordered(
                score_lines, ((b,) for b in chain(first, blocks)), pooled=pooled
            ):
                for number, error, line in outcomes:
                    read += 1
                    if error is not None:
                        bad += 1
                        click.echo(f"line {number}: skipped: {error}", err=True)
                    out.write(line + "\n")
                update(f"Scoring {name} … {read} line(s)")
    finally:
        pool.close()
    if not read:
        raise InputError(f"no input lines in {name}: expected one JSON object per line")
    if bad:
        click.echo(f"{bad} of {read} line(s) could not be scored (see above)", err=True)
    return bad

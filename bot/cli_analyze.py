"""``signalbot analyze``: score one article, or a JSON Lines batch."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import click

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
    help="Score JSON Lines objects with id and text; one JSON object per line out.",
)
@click.option("--data-dir", type=click.Path(path_type=Path, file_okay=False), hidden=True)
def analyze(source: str | None, as_json: bool, jsonl: TextIO | None, data_dir: Path | None) -> None:
    """Score one article: a URL, or - for text on stdin; or a batch with --jsonl FILE."""
    from bot.domain.scoring import RuleScorer

    if jsonl is not None:
        bad = _analyze_batch(jsonl, RuleScorer())
        if bad:
            sys.exit(1)
        return
    if not source:
        raise click.UsageError("give a URL, - for text on stdin, or --jsonl FILE")
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
        article = Article(title=title.strip(), text=body.strip() or title.strip())
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


def _read_line(line: str) -> tuple[dict[str, Any], str] | str:
    """The object and its text, or why the line cannot be scored."""
    try:
        obj = json.loads(line.strip())
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(obj, dict):
        return f"expected a JSON object with 'text', found {type(obj).__name__}"
    text = obj.get("text")
    if text is None:
        return "no 'text' field"
    if not isinstance(text, str):
        return f"'text' must be a string, found {type(text).__name__}"
    if not text.strip():
        return "'text' is empty"
    return obj, text


def _analyze_batch(stream: TextIO, scorer: Any) -> int:
    """Score each line; a line that cannot be read is reported on stderr (and as an error object
    in its place on stdout). Returns how many lines were bad."""
    out = sys.stdout
    name = getattr(stream, "name", "-")
    read = bad = 0
    with progress(f"Scoring {'standard input' if name in ('-', '<stdin>') else name} …") as update:
        for number, line in enumerate(stream, 1):
            if not line.strip():
                continue
            read += 1
            parsed = _read_line(line)
            if isinstance(parsed, str):
                bad += 1
                click.echo(f"line {number}: skipped: {parsed}", err=True)
                out.write(json.dumps({"id": None, "line": number, "error": parsed}) + "\n")
                continue
            obj, text = parsed
            article = Article(title=str(obj.get("title") or ""), text=text)
            result = {"id": obj.get("id"), **scorer.score(article).model_dump(mode="json")}
            out.write(json.dumps(result, ensure_ascii=False) + "\n")
            update(f"Scoring {name} … {read} line(s)")
    if not read:
        raise InputError(f"no input lines in {name}: expected one JSON object per line")
    if bad:
        click.echo(f"{bad} of {read} line(s) could not be scored (see above)", err=True)
    return bad

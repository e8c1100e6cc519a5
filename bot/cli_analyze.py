"""``signalbot analyze``: score one article, or a JSON Lines batch."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

import click

from bot.app import build_app
from bot.cli_common import load_settings, run_command
from bot.domain.config import (
    BotConfig,
)
from bot.domain.models import Article
from bot.settings import Settings


@click.command()
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
    settings = load_settings(data_dir)
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

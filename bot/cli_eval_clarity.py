"""``signalbot eval FILE --task clarity|clarity-elements``: commitment clarity on labelled text.

``clarity`` reads rows ``{id, text, label: hedged|certain, source}`` and reports, per source, how
well clarity and the hedged flag rank certain statements above hedged ones and how many
gold-hedged items each band holds. ``clarity-elements`` reads rows ``{id, text, elements: {name:
bool}}`` and reports per-element precision and recall of what the scorer reads.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from bot.cli_progress import progress
from bot.domain import clarity_eval, element_eval
from bot.domain.clarity_eval import ClarityExample
from bot.domain.element_eval import ElementExample
from bot.domain.models import Article, Assessment
from bot.domain.scoring import RuleScorer, describe_gap

TASKS = ("clarity", "clarity-elements")


def read_rows(path: Path, half: str) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, object) of each row in ``half`` (even or odd 0-based positions, blank lines
    not counted); a line that is not a JSON object stops with its number."""
    k = -1
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            k += 1
            if (half == "even" and k % 2) or (half == "odd" and not k % 2):
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise click.ClickException(f"{path}:{n}: not JSON ({exc.msg})") from None
            if not isinstance(row, dict):
                raise click.ClickException(f"{path}:{n}: expected a JSON object")
            yield n, row


def score_clarity(
    path: Path, half: str = "all", on_row: Callable[[int], None] | None = None
) -> list[ClarityExample]:
    """Score every row of a hedged/certain file (``on_row`` is told how many are done)."""
    scorer = RuleScorer()
    out: list[ClarityExample] = []
    for n, row in read_rows(path, half):
        gold = row.get("label")
        if gold not in (clarity_eval.HEDGED, clarity_eval.CERTAIN):
            raise click.ClickException(f"{path}:{n}: label must be hedged or certain, not {gold!r}")
        text = str(row.get("text", ""))
        a = scorer.score(Article(text=text))
        out.append(
            ClarityExample(
                id=str(row.get("id", n)),
                source=str(row.get("source", "unknown")),
                text=text,
                gold=str(gold),
                clarity=a.clarity,
                band=a.clarity_band,
                hedged=a.hedged,
                evidence=tuple(a.evidence),
            )
        )
        if on_row is not None:
            on_row(len(out))
    return out


def _flags(a: Assessment) -> str:
    words = ["hedged" if a.hedged else "not hedged"]
    if a.reversion_risk is not None:
        words.append(f"reversion risk {a.reversion_risk.phrase!r}")
    return " · ".join(words)


def score_elements(
    path: Path, half: str = "all", on_row: Callable[[int], None] | None = None
) -> list[ElementExample]:
    """Score every row of an element-labelled file (``on_row`` is told how many are done)."""
    scorer = RuleScorer()
    out: list[ElementExample] = []
    for n, row in read_rows(path, half):
        gold = row.get("elements")
        if not isinstance(gold, dict):
            raise click.ClickException(f"{path}:{n}: no 'elements' object")
        text = str(row.get("text", ""))
        a = scorer.score(Article(text=text))
        out.append(
            ElementExample(
                id=str(row.get("id", n)),
                text=text,
                gold={str(k): bool(v) for k, v in gold.items()},
                read=element_eval.read_elements(a),
                evidence=tuple(a.evidence),
                missing=tuple(describe_gap(g) for g in a.missing),
                flags=_flags(a),
                band=a.clarity_band,
            )
        )
        if on_row is not None:
            on_row(len(out))
    return out


def report_clarity(examples: list[ClarityExample], n_errors: int) -> None:
    for source, rows in clarity_eval.by_source(examples).items():
        click.echo(clarity_eval.format_report(source, clarity_eval.report(rows)))
        click.echo("")
        if n_errors > 0:
            low, high = clarity_eval.misrated(rows, n_errors)
            click.echo(clarity_eval.format_examples("certain statements rated lowest", low))
            click.echo(clarity_eval.format_examples("hedged statements rated highest", high))
            click.echo("")


def report_elements(examples: list[ElementExample], n_errors: int) -> None:
    table = element_eval.scores(examples)
    click.echo(f"== elements (n={len(examples)})")
    click.echo(element_eval.format_scores(table))
    click.echo("")
    click.echo(element_eval.format_bands(element_eval.band_shares(examples)))
    if n_errors > 0:
        for name, s in table.items():
            if s is None:
                continue
            fps, fns = element_eval.errors(examples, name, n_errors)
            click.echo("")
            click.echo(element_eval.format_errors(name, fps, fns))


def run_task(task: str, file: Path, half: str, n_errors: int) -> None:
    """Score ``file`` for one of ``TASKS`` (with a spinner on a terminal) and print its report."""
    with progress(f"Scoring {file} …") as update:

        def tick(n: int) -> None:
            update(f"Scoring {file} … {n} row(s)")

        if task == "clarity":
            clarity = score_clarity(file, half, tick)
        else:
            elements = score_elements(file, half, tick)
    if task == "clarity":
        report_clarity(clarity, n_errors)
    else:
        report_elements(elements, n_errors)

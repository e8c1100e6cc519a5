"""``signalbot eval FILE.jsonl --task …``: the scorer's numbers on labelled text."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_eval_clarity import TASKS as CLARITY_TASKS
from bot.cli_eval_clarity import run_task as run_clarity_task
from bot.cli_progress import progress
from bot.domain.evaluation import Example, by_source, format_misses, format_report, worst_misses
from bot.domain.models import Article, Assessment, Label

if TYPE_CHECKING:
    from bot.domain.scoring import RuleScorer

DIRECTION_LABELS = ("escalation", "deescalation", "neutral")
HEDGING_LABELS = ("hedged", "certain")
_DIRECTION_OF = {
    Label.ESCALATION: "escalation",
    Label.DEESCALATION: "deescalation",
    Label.NEUTRAL: "neutral",
    Label.MIXED: "mixed",
}


def predict(task: str, assessment: Assessment) -> tuple[str, float]:
    """The predicted label for ``task`` and a confidence margin used to rank misses."""
    if task == "direction":
        return _DIRECTION_OF[assessment.label], abs(assessment.escalation)
    hedges = [e for e in assessment.evidence if e.kind == "clarity-"]
    return ("hedged" if assessment.hedged else "certain"), float(len(hedges))


def run(
    path: Path,
    task: str,
    scorer: RuleScorer | None = None,
    half: str = "all",
    on_row: Callable[[int], None] | None = None,
) -> list[Example]:
    """Score the rows of a JSONL file (fields: id, text, label, source) for ``task``.

    ``half`` is ``all``, ``even`` or ``odd``: the rows at even or odd positions (0-based, blank
    lines not counted), so that one half can be held out while the other is studied.
    ``on_row`` is told how many rows have been scored so far.
    """
    if scorer is None:
        from bot.domain.scoring import RuleScorer

        scorer = RuleScorer()
    out: list[Example] = []
    k = -1
    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            k += 1
            if (half == "even" and k % 2) or (half == "odd" and not k % 2):
                continue
            row = json.loads(line)
            a = scorer.score(Article(text=str(row.get("text", ""))))
            pred, margin = predict(task, a)
            out.append(
                Example(
                    id=str(row.get("id", n)),
                    source=str(row.get("source", "unknown")),
                    text=str(row.get("text", "")),
                    gold=str(row.get("label", "")),
                    predicted=pred,
                    margin=margin,
                    evidence=tuple(a.evidence),
                )
            )
            if on_row is not None:
                on_row(len(out))
    return out


@click.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--task",
    type=click.Choice(["direction", "hedging", *CLARITY_TASKS]),
    required=True,
    help="what to compare",
)
@click.option("--errors", "n_errors", type=int, default=0, help="list the N worst misses")
@click.option(
    "--half",
    type=click.Choice(["all", "even", "odd"]),
    default="all",
    help="score only the rows at even or odd positions (a held-out half)",
)
def eval_command(file: Path, task: str, n_errors: int, half: str) -> None:
    """Score a labelled JSONL file and print accuracy, P/R/F1 and confusion per source (for
    clarity: AUROC and band shares per source; for clarity-elements: per-element P/R/F1)."""
    if task in CLARITY_TASKS:
        run_clarity_task(task, file, half, n_errors)
        return
    with progress(f"Scoring {file} …") as update:
        examples = run(
            file, task, half=half, on_row=lambda n: update(f"Scoring {file} … {n} row(s)")
        )
    labels = DIRECTION_LABELS if task == "direction" else HEDGING_LABELS
    headline: tuple[str, tuple[str, ...]]
    if task == "direction":
        headline = ("macro-F1 (escalation, deescalation)", ("escalation", "deescalation"))
    else:
        headline = ("hedged-F1", ("hedged",))
    for source, metrics in by_source(examples, labels).items():
        click.echo(format_report(source, metrics, headline))
        click.echo("")
    if n_errors > 0:
        click.echo(f"worst {n_errors} misses:")
        click.echo(format_misses(worst_misses(examples, n_errors)))

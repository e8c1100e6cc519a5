"""``signalbot eval FILE.jsonl --task …``: the scorer's numbers on labelled text (direction,
hedging, relevance, clarity, clarity-elements)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import click

from bot.cli_eval_clarity import TASKS as CLARITY_TASKS
from bot.cli_eval_clarity import read_rows
from bot.cli_eval_clarity import run_task as run_clarity_task
from bot.cli_progress import progress
from bot.domain.evaluation import (
    Example,
    by_source,
    false_alarm_rate,
    format_misses,
    format_report,
    worst_misses,
)
from bot.domain.models import Article, Assessment, Label

if TYPE_CHECKING:
    from bot.domain.scoring import RuleScorer

DIRECTION_LABELS = ("escalation", "deescalation", "neutral")
HEDGING_LABELS = ("hedged", "certain")
RELEVANCE_LABELS = ("relevant", "irrelevant")
LABELS = {"direction": DIRECTION_LABELS, "hedging": HEDGING_LABELS, "relevance": RELEVANCE_LABELS}
HEADLINES: dict[str, tuple[str, tuple[str, ...]]] = {
    "direction": ("macro-F1 (escalation, deescalation)", ("escalation", "deescalation")),
    "hedging": ("hedged-F1", ("hedged",)),
    "relevance": ("relevant-F1", ("relevant",)),
}
_DIRECTION_OF = {
    Label.ESCALATION: "escalation",
    Label.DEESCALATION: "deescalation",
    Label.NEUTRAL: "neutral",
    Label.MIXED: "mixed",
}


def predict(task: str, assessment: Assessment) -> tuple[str, float]:
    """The predicted label for ``task`` and a confidence margin used to rank misses."""
    if task == "direction":
        # the reading is kept for items out of scope too (CAMEO codes domestic events as well)
        reading = assessment.reading or assessment
        return _DIRECTION_OF[reading.label], abs(reading.escalation)
    if task == "relevance":
        cues = [e for e in assessment.evidence if e.kind == "relevance"]
        return ("relevant" if assessment.relevant else "irrelevant"), float(len(cues))
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
    for n, row in read_rows(path, half):
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
                note=f"out of scope: {a.out_of_scope}" if a.out_of_scope else "",
            )
        )
        if on_row is not None:
            on_row(len(out))
    return out


@click.command("eval")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "--task",
    type=click.Choice([*sorted(LABELS), *CLARITY_TASKS]),
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
    """Score a labelled JSONL file and print accuracy, P/R/F1 and confusion per source.

    Gold labels: ``escalation|deescalation|neutral`` (direction), ``hedged|certain`` (hedging and
    clarity: AUROC and band shares per source), ``relevant|irrelevant`` (relevance; the report adds
    the false-alarm rate); clarity-elements: per-element P/R/F1 on an element-labelled set.
    """
    if task in CLARITY_TASKS:
        run_clarity_task(task, file, half, n_errors)
        return
    with progress(f"Scoring {file} …") as update:
        examples = run(
            file, task, half=half, on_row=lambda n: update(f"Scoring {file} … {n} row(s)")
        )
    labels = LABELS[task]
    for source, metrics in by_source(examples, labels).items():
        click.echo(format_report(source, metrics, HEADLINES[task]))
        if task == "relevance":
            rate = false_alarm_rate(metrics, "relevant", "irrelevant")
            click.echo(f"false-alarm rate (irrelevant read as relevant): {rate:.3f}")
        click.echo("")
    if n_errors > 0:
        click.echo(f"worst {n_errors} misses:")
        kinds = ("relevance",) if task == "relevance" else None
        click.echo(format_misses(worst_misses(examples, n_errors), kinds=kinds))

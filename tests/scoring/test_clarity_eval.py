"""Clarity against annotated certainty: AUROC, band shares, misrated items, and the eval command."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli_eval import eval_command
from bot.domain.clarity_eval import ClarityExample, auroc, misrated, report
from bot.domain.models import ClarityBand


def _pairwise(pos: list[float], neg: list[float]) -> float:
    """AUROC by its definition: every (positive, negative) pair, ties counting half."""
    wins = sum(1.0 if p > n else 0.5 if p == n else 0.0 for p, n in itertools.product(pos, neg))
    return wins / (len(pos) * len(neg))


def test_auroc_of_a_perfect_and_a_reversed_ranking() -> None:
    assert auroc([70, 80, 90], [10, 20]) == 1.0
    assert auroc([10, 20], [70, 80, 90]) == 0.0


def test_auroc_counts_ties_half() -> None:
    assert auroc([50, 50], [50, 50, 50]) == 0.5
    # pairs: (60,40) win, (60,60) half, (40,40) half, (40,60) loss -> 2 / 4
    assert auroc([60, 40], [40, 60]) == pytest.approx(0.5)
    # a yes/no flag: 3 of 4 certain not hedged, 1 of 2 hedged not hedged
    # wins 3*1 = 3, ties 3*1 + 1*1 = 4 -> (3 + 2) / 8
    assert auroc([1, 1, 1, 0], [1, 0]) == pytest.approx(5 / 8)


def test_auroc_agrees_with_the_pairwise_definition() -> None:
    pos = [30.0, 30.0, 42.0, 55.0, 18.0, 70.0, 30.0]
    neg = [30.0, 18.0, 18.0, 42.0, 24.0]
    assert auroc(pos, neg) == pytest.approx(_pairwise(pos, neg))


def test_auroc_is_undefined_without_both_classes() -> None:
    assert auroc([], [1.0]) is None
    assert auroc([1.0], []) is None


def _ex(id_: str, gold: str, clarity: int, hedged: bool) -> ClarityExample:
    band = ClarityBand.for_score(clarity)
    return ClarityExample(id_, "s", f"text {id_}", gold, clarity, band, hedged)


def test_report_gives_both_aurocs_and_the_hedged_share_of_each_band() -> None:
    rows = [
        _ex("a", "certain", 80, False),
        _ex("b", "certain", 50, False),
        _ex("c", "certain", 30, True),
        _ex("d", "hedged", 50, True),
        _ex("e", "hedged", 20, True),
    ]
    rep = report(rows)
    assert rep.n == 5
    assert rep.n_hedged == 2
    # clarity: (80>50, 80>20, 50=50, 50>20, 30<50, 30>20) -> 4.5 of 6
    assert rep.auroc_clarity == pytest.approx(4.5 / 6)
    # not hedged: certain (1, 1, 0) against hedged (0, 0) -> 4 wins + 2 ties of 6
    assert rep.auroc_not_hedged == pytest.approx(5 / 6)
    signal = rep.bands[ClarityBand.SIGNAL]
    conditional = rep.bands[ClarityBand.CONDITIONAL]
    commitment = rep.bands[ClarityBand.COMMITMENT]
    assert (signal.n, signal.hedged, signal.share) == (2, 1, 0.5)
    assert (conditional.n, conditional.hedged, conditional.share) == (2, 1, 0.5)
    assert (commitment.n, commitment.hedged, commitment.share) == (1, 0, 0.0)


def test_misrated_lists_firm_statements_lowest_and_hedged_ones_highest() -> None:
    rows = [
        _ex("a", "certain", 80, False),
        _ex("b", "certain", 20, False),
        _ex("c", "certain", 20, False),
        _ex("d", "hedged", 50, True),
        _ex("e", "hedged", 75, True),
    ]
    low, high = misrated(rows, 2)
    assert [ex.id for ex in low] == ["b", "c"]
    assert [ex.id for ex in high] == ["e", "d"]


def _write(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


FIRM = (
    "The Commerce Department published a final rule in the Federal Register imposing 25% tariffs "
    "on 300,000 tonnes of Chinese steel from 1 March 2026, with penalties for evasion."
)
HEDGED = "Officials may consider easing some curbs at some point, people familiar said."


def test_cli_clarity_reports_auroc_bands_and_misrated_items(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "c.jsonl",
        [
            {"id": "firm", "text": FIRM, "label": "certain", "source": "mine"},
            {"id": "soft", "text": HEDGED, "label": "hedged", "source": "mine"},
            {"id": "other", "text": FIRM, "label": "certain", "source": "theirs"},
        ],
    )
    result = CliRunner().invoke(eval_command, [str(f), "--task", "clarity", "--errors", "1"])
    assert result.exit_code == 0, result.output
    assert "== mine (n=2, hedged=1)" in result.output
    assert "AUROC clarity (certain above hedged): 1.000" in result.output
    assert "AUROC not hedged:                     1.000" in result.output
    assert "== theirs (n=1, hedged=0)" in result.output
    assert "AUROC clarity (certain above hedged): n/a" in result.output
    for band in ("signal", "conditional", "commitment"):
        assert f"\n{band} " in result.output
    assert "certain statements rated lowest:\n- [mine] firm: gold=certain" in result.output
    assert "hedged statements rated highest:\n- [mine] soft: gold=hedged" in result.output


def test_cli_clarity_scores_one_half(tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {"id": str(k), "text": FIRM, "label": "certain", "source": "mine"} for k in range(5)
    ]
    f = _write(tmp_path / "c.jsonl", rows)
    runner = CliRunner()
    odd = runner.invoke(eval_command, [str(f), "--task", "clarity", "--half", "odd"])
    even = runner.invoke(eval_command, [str(f), "--task", "clarity", "--half", "even"])
    assert "== mine (n=2, hedged=0)" in odd.output
    assert "== mine (n=3, hedged=0)" in even.output


def test_cli_clarity_names_the_line_with_a_bad_label(tmp_path: Path) -> None:
    f = _write(
        tmp_path / "c.jsonl",
        [
            {"id": "1", "text": FIRM, "label": "certain"},
            {"id": "2", "text": HEDGED, "label": "maybe"},
        ],
    )
    result = CliRunner().invoke(eval_command, [str(f), "--task", "clarity"])
    assert result.exit_code == 1
    assert "c.jsonl:2: label must be hedged or certain, not 'maybe'" in result.output

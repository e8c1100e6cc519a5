"""Metrics, reports and the eval command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli_eval import eval_command
from bot.domain.evaluation import (
    Example,
    by_source,
    compute,
    false_alarm_rate,
    format_report,
    worst_misses,
)

EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def test_compute_metrics() -> None:
    pairs = [("a", "a"), ("a", "b"), ("b", "b"), ("b", "b"), ("c", "a")]
    m = compute(pairs, ("a", "b", "c"))
    assert m.accuracy == pytest.approx(3 / 5)
    assert m.per_class["a"].precision == pytest.approx(1 / 2)
    assert m.per_class["a"].recall == pytest.approx(1 / 2)
    assert m.per_class["b"].precision == pytest.approx(2 / 3)
    assert m.per_class["b"].recall == pytest.approx(1.0)
    assert m.per_class["c"].f1 == 0.0
    assert m.confusion["c"]["a"] == 1
    assert m.macro_f1(["a", "b"]) == pytest.approx((0.5 + 0.8) / 2)


def test_by_source_and_report() -> None:
    ex = [
        Example("1", "s1", "t", "hedged", "hedged"),
        Example("2", "s2", "t", "certain", "hedged", margin=2.0),
        Example("3", "s1", "t", "certain", "certain"),
    ]
    per = by_source(ex, ("hedged", "certain"))
    assert list(per) == ["s1", "s2"]
    assert per["s1"].accuracy == 1.0
    report = format_report("s2", per["s2"], ("hedged-F1", ("hedged",)))
    assert "accuracy: 0.000" in report
    assert "hedged-F1: 0.000" in report
    assert [e.id for e in worst_misses(ex, 5)] == ["2"]


def test_cli_on_a_small_file(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "Beijing imposed 50% tariffs on US soybeans.", "label": "escalation",
         "source": "mine"},
        {"id": "b", "text": "Tokyo lifted its sanctions on Seoul.", "label": "deescalation",
         "source": "mine"},
        {"id": "c", "text": "Officials met for talks in Rome.", "label": "escalation",
         "source": "other"},
    ]  # fmt: skip
    f = tmp_path / "d.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(eval_command, [str(f), "--task", "direction", "--errors", "3"])
    assert result.exit_code == 0, result.output
    assert "== mine (n=2)" in result.output
    assert "== other (n=1)" in result.output
    assert "macro-F1 (escalation, deescalation): 1.000" in result.output
    assert "worst 3 misses" in result.output
    assert "gold=escalation" in result.output


def test_cli_scores_one_half(tmp_path: Path) -> None:
    rows = [
        {"id": str(k), "text": "Seoul imposed new duties on steel.", "label": "escalation",
         "source": "mine"}
        for k in range(5)
    ]  # fmt: skip
    f = tmp_path / "d.jsonl"
    f.write_text("\n\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    runner = CliRunner()
    even = runner.invoke(eval_command, [str(f), "--task", "direction", "--half", "even"])
    odd = runner.invoke(eval_command, [str(f), "--task", "direction", "--half", "odd"])
    both = runner.invoke(eval_command, [str(f), "--task", "direction"])
    assert "== mine (n=3)" in even.output
    assert "== mine (n=2)" in odd.output
    assert "== mine (n=5)" in both.output


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason="shared eval sets not present at ../shared/eval")
def test_cli_reports_every_source_of_the_dev_sets() -> None:
    runner = CliRunner()
    d = runner.invoke(eval_command, [str(EVAL_DIR / "escalation-dev.jsonl"), "--task", "direction"])
    assert d.exit_code == 0, d.output
    assert "== cameo_manual_1.1b3" in d.output
    assert "confusion" in d.output
    assert "macro-F1 (escalation, deescalation)" in d.output
    h = runner.invoke(
        eval_command, [str(EVAL_DIR / "hedging-dev.jsonl"), "--task", "hedging", "--errors", "2"]
    )
    assert h.exit_code == 0, h.output
    for source in (
        "pei_jurgens_2021_science_findings",
        "factuality_news_uw",
        "factuality_news_meantime",
    ):
        assert f"== {source}" in h.output
    assert "hedged-F1" in h.output
    assert "worst 2 misses" in h.output


def test_false_alarm_rate_is_the_share_of_negatives_flagged() -> None:
    pairs = [("relevant", "relevant"), ("irrelevant", "relevant")] + [
        ("irrelevant", "irrelevant")
    ] * 3
    m = compute(pairs, ("relevant", "irrelevant"))
    assert false_alarm_rate(m, "relevant", "irrelevant") == pytest.approx(1 / 4)


def test_cli_relevance_report_and_errors(tmp_path: Path) -> None:
    rows = [
        {"id": "a", "text": "China imposed 25% tariffs on US soybeans.", "label": "relevant",
         "source": "wire"},
        {"id": "b", "text": "Acme Corp reported third-quarter net profit of 3 mln dlrs.",
         "label": "irrelevant", "source": "wire"},
        # gold set wrong on purpose, so that the report has a false alarm to list
        {"id": "c", "text": "Japan and Korea held talks on export controls for chips.",
         "label": "irrelevant", "source": "wire"},
    ]  # fmt: skip
    f = tmp_path / "r.jsonl"
    f.write_text("\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    result = CliRunner().invoke(eval_command, [str(f), "--task", "relevance", "--errors", "5"])
    assert result.exit_code == 0, result.output
    assert "== wire (n=3)" in result.output
    assert "relevant-F1: 0.667" in result.output
    assert "false-alarm rate (irrelevant read as relevant): 0.500" in result.output
    # the one miss, with the cues that put it in scope
    assert "c: gold=irrelevant predicted=relevant" in result.output
    assert "relevance" in result.output.split("worst 5 misses:")[1]
    assert "b: gold" not in result.output


def test_eval_direction_measures_the_reading_of_out_of_scope_sentences(tmp_path: Path) -> None:
    # a domestic event: out of scope, yet its direction is read and measured
    rows = [{"id": "d", "text": "Rebels attacked a police station, killing three officers.",
             "label": "escalation", "source": "cameo"}]  # fmt: skip
    f = tmp_path / "d.jsonl"
    f.write_text(json.dumps(rows[0]) + "\n", encoding="utf-8")
    result = CliRunner().invoke(eval_command, [str(f), "--task", "direction"])
    assert result.exit_code == 0, result.output
    assert "accuracy: 1.000" in result.output

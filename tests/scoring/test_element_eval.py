"""Commitment elements read from the assessment: the reading table, P/R/F1 and the eval command."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli_eval import eval_command
from bot.domain.element_eval import (
    ELEMENTS,
    READERS,
    ElementExample,
    band_shares,
    errors,
    format_scores,
    read_elements,
    scores,
)
from bot.domain.models import Assessment, ClarityBand, Evidence, Label, ReversionRisk

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "clarity_elements.jsonl"


def _assessment(**kw: object) -> Assessment:
    base: dict[str, object] = {
        "relevant": True,
        "label": Label.NEUTRAL,
        "escalation": 0.0,
        "clarity": 30,
        "clarity_band": ClarityBand.SIGNAL,
        "hedged": False,
        "missing": [
            "volumes",
            "destinations",
            "timeline",
            "instrument",
        ],
    }
    base.update(kw)
    return Assessment.model_validate(base)


def _cue(note: str, points: float) -> Evidence:
    kind = "clarity+" if points > 0 else "clarity-"
    return Evidence(cue="x", sentence="s", kind=kind, contribution=points, note=note)


def test_every_element_has_one_entry_in_the_reading_table() -> None:
    assert tuple(READERS) == ELEMENTS


def test_a_bare_statement_reads_no_element() -> None:
    assert read_elements(_assessment()) == dict.fromkeys(ELEMENTS, False)


def test_elements_read_from_missing_evidence_flag_and_reversion() -> None:
    a = _assessment(
        hedged=True,
        missing=["destinations", "timeline", "enforcement"],
        reversion_risk=ReversionRisk(phrase="restore tariffs"),
        evidence=[
            _cue("formal instrument", 22),
            _cue("quantity", 10),
            _cue("conditional", -10),
            _cue("anonymous sourcing", -10),
        ],
    )
    read = read_elements(a)
    on = {name for name, value in read.items() if value}
    assert on == {"quantity", "instrument", "condition", "reversible", "anonymous"}


def test_the_hedge_element_is_the_hedged_wording_cue_not_the_flag() -> None:
    assert read_elements(_assessment(hedged=True))["hedge"] is False
    assert read_elements(_assessment(evidence=[_cue("hedged wording", -6)]))["hedge"] is True


def test_a_withheld_volume_is_not_a_quantity() -> None:
    a = _assessment(missing=["volumes"], evidence=[_cue("quantity", 10)])
    assert read_elements(a)["quantity"] is False


def test_an_element_without_a_reader_is_not_read() -> None:
    readers = {"hedge": READERS["hedge"], "symbolic": None}
    read = read_elements(_assessment(evidence=[_cue("hedged wording", -6)]), readers)
    assert read == {"hedge": True}
    ex = ElementExample("1", "t", {"hedge": True, "symbolic": True}, read)
    table = scores([ex], ("hedge", "symbolic"))
    assert table["symbolic"] is None
    text = format_scores(table, readers)
    assert "symbolic      not read" in text


def _row(id_: str, gold: bool, read: bool) -> ElementExample:
    return ElementExample(id_, f"text {id_}", {"hedge": gold}, {"hedge": read})


def test_precision_recall_f1_and_support_of_an_element() -> None:
    rows = [
        _row("1", True, True),
        _row("2", True, True),
        _row("3", True, False),
        _row("4", False, True),
        _row("5", False, False),
    ]
    s = scores(rows, ("hedge",))["hedge"]
    assert s is not None
    assert (s.tp, s.fp, s.fn, s.support) == (2, 1, 1, 3)
    assert s.precision == pytest.approx(2 / 3)
    assert s.recall == pytest.approx(2 / 3)
    assert s.f1 == pytest.approx(2 / 3)
    fps, fns = errors(rows, "hedge", 5)
    assert [ex.id for ex in fps] == ["4"]
    assert [ex.id for ex in fns] == ["3"]


def test_precision_is_undefined_when_nothing_is_read() -> None:
    s = scores([_row("1", True, False), _row("2", False, False)], ("hedge",))["hedge"]
    assert s is not None
    assert s.precision is None
    assert s.recall == 0.0
    assert s.f1 is None
    assert "n/a" in format_scores({"hedge": s})


def test_band_shares_count_items_labelled_hedged_or_conditional() -> None:
    def ex(band: ClarityBand, **gold: bool) -> ElementExample:
        return ElementExample("1", "t", gold, {}, band=band)

    rows = [
        ex(ClarityBand.COMMITMENT, hedge=False, condition=False),
        ex(ClarityBand.COMMITMENT, hedge=False, condition=True),
        ex(ClarityBand.SIGNAL, hedge=True, condition=True),
    ]
    shares = band_shares(rows)
    assert shares[ClarityBand.COMMITMENT] == (2, 1)
    assert shares[ClarityBand.SIGNAL] == (1, 1)
    assert shares[ClarityBand.CONDITIONAL] == (0, 0)


def test_cli_clarity_elements_reports_each_element_with_errors(tmp_path: Path) -> None:
    none = dict.fromkeys(ELEMENTS, False)
    rows = [
        {
            "id": "q1",
            "text": "China cut rare earth export quotas to 40,000 tonnes.",
            "elements": {**none, "quantity": True},
        },
        {
            "id": "q2",
            "text": "Officials met in Geneva to discuss trade.",
            "elements": {**none, "quantity": True},
        },
    ]
    f = tmp_path / "e.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    result = CliRunner().invoke(
        eval_command, [str(f), "--task", "clarity-elements", "--errors", "3"]
    )
    assert result.exit_code == 0, result.output
    assert "== elements (n=2)" in result.output
    assert "band          items  hedged or conditional" in result.output
    quantity = next(ln for ln in result.output.splitlines() if ln.startswith("quantity "))
    assert quantity.split()[:5] == ["quantity", "1.000", "0.500", "0.667", "2"]
    assert "-- quantity: 0 false positive(s), 1 false negative(s) shown" in result.output
    assert "- q2 (labelled but not read): Officials met in Geneva" in result.output


def test_cli_clarity_elements_reads_every_element_of_the_fixture() -> None:
    result = CliRunner().invoke(
        eval_command, [str(FIXTURE), "--task", "clarity-elements", "--half", "odd"]
    )
    assert result.exit_code == 0, result.output
    assert "== elements (n=160)" in result.output
    lines = result.output.splitlines()
    for name in ELEMENTS:
        assert any(ln.startswith(f"{name} ") for ln in lines), name


def test_cli_clarity_elements_needs_an_elements_object(tmp_path: Path) -> None:
    f = tmp_path / "e.jsonl"
    f.write_text('{"id": "1", "text": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(eval_command, [str(f), "--task", "clarity-elements"])
    assert result.exit_code == 1
    assert "e.jsonl:1: no 'elements' object" in result.output

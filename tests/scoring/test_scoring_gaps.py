"""What a commitment lacks travels as codes; presenters and follow-ups put them into words."""

from __future__ import annotations

from bot.domain.followups import compare
from bot.domain.models import Assessment, ClarityBand, Gap, Label
from bot.domain.scoring import describe_gap, gap_given
from bot.render import glance


def _assessment(missing: list[Gap]) -> Assessment:
    return Assessment(
        relevant=True,
        label=Label.DEESCALATION,
        escalation=-3.0,
        clarity=40,
        clarity_band=ClarityBand.CONDITIONAL,
        hedged=False,
        missing=missing,
    )


def test_codes_are_said_in_words() -> None:
    assert describe_gap(Gap(code="volumes")) == "no volumes"
    assert describe_gap(Gap(code="on_record")) == "no on-record attribution"
    cond = Gap(code="conditional", detail="border talks making progress")
    assert describe_gap(cond) == "conditional on border talks making progress"
    line = glance.missing_line(_assessment([Gap(code="timeline"), cond]))
    assert line == "no timeline · conditional on border talks making progress"


def test_follow_up_says_what_a_later_item_supplied() -> None:
    cond = Gap(code="conditional", detail="a quota deal")
    before = _assessment([Gap(code="volumes"), Gap(code="timeline"), cond])
    after = _assessment([Gap(code="timeline")])
    lead = compare("Quota talks", before, after).lead()
    assert "volumes now given" in lead
    assert "no longer conditional on a quota deal" in lead
    assert "timeline" not in lead


def test_records_written_in_words_still_load_and_render() -> None:
    old = Assessment.model_validate_json(
        '{"relevant": true, "label": "neutral", "escalation": 0, "clarity": 30,'
        ' "clarity_band": "signal", "hedged": false, "missing": ["no named licence holders"]}'
    )
    assert old.missing == [Gap(code="no named licence holders")]
    assert glance.missing_line(old) == "no named licence holders"
    assert gap_given(old.missing[0]) == "no named licence holders: resolved"


def test_the_scorer_reports_codes(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Officials said Beijing may resume soybean purchases, conditional on trade talks.")
    codes = [g.code for g in a.missing]
    assert "volumes" in codes
    assert "conditional" in codes
    assert all(" " not in c for c in codes)

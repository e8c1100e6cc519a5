"""Known misreadings: capitals as venues, market moves as quantities, repeated evidence cues."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.domain.models import Article, Assessment, Label
from bot.domain.scoring import RuleScorer, describe_gap

_SCORER = RuleScorer()


@pytest.mark.parametrize(
    ("text", "absent"),
    [
        ("Trade negotiators from both sides resumed tariff talks in London on Tuesday.", "GB"),
        ("Delegations met in Geneva to discuss export controls on chips.", "CH"),
        ("At the Madrid summit, ministers discussed tariffs on steel.", "ES"),
        ("Officials gathered for the Tokyo round of talks on rare earth export curbs.", "JP"),
    ],
)
def test_capital_as_venue_is_not_an_actor(text: str, absent: str) -> None:
    assert absent not in _SCORER.score(Article(text=text)).actors


@pytest.mark.parametrize(
    ("text", "present"),
    [
        ("London imposed sanctions on Russian banks.", "GB"),
        ("Tokyo said it would tighten export controls on chips.", "JP"),
        ("Seoul raised tariffs on imported steel.", "KR"),
    ],
)
def test_capital_acting_as_government_is_an_actor(text: str, present: str) -> None:
    assert present in _SCORER.score(Article(text=text)).actors


@pytest.mark.parametrize(
    "text",
    [
        "Chip prices jumped 12% after the export controls were announced.",
        "Shares rose 2% as the government eased tariffs.",
        "The won firmed 1% after officials said tariffs would be cut.",
        "Soybean futures fell by 3% on news of the sanctions.",
    ],
)
def test_market_move_is_not_a_quantity(text: str) -> None:
    a = _SCORER.score(Article(text=text))
    assert "no volumes" in said_missing(a)
    assert not any(e.kind == "clarity+" and e.note == "quantity" for e in a.evidence)


@pytest.mark.parametrize(
    "text",
    [
        "The government imposed tariffs of 25% on imported steel.",
        "The importer agreed to buy 50,000 tonnes of soybeans.",
        "The ministry pledged $2bn in purchases of farm goods.",
        "Shares rose 2% after the government imposed tariffs of 25% on steel.",
    ],
)
def test_measure_quantity_still_counts(text: str) -> None:
    a = _SCORER.score(Article(text=text))
    assert "no volumes" not in said_missing(a)
    assert any(e.kind == "clarity+" and e.note == "quantity" for e in a.evidence)


def test_repeated_cue_listed_once_and_scores_unchanged() -> None:
    body = "Officials said the tariffs may be reviewed. Another official said the levy may rise."
    twice = _SCORER.score(Article(title="Tariffs may be reviewed", text=body))
    keys = [(e.cue.lower(), e.kind) for e in twice.evidence]
    assert len(keys) == len(set(keys))
    assert sum(1 for e in twice.evidence if e.cue == "may") == 1
    # deduplication is of the evidence list only: the clarity points still add up per class
    once = _SCORER.score(Article(title="Tariffs may be reviewed", text="Officials met on Monday."))
    assert twice.clarity <= once.clarity


def test_inflected_repeat_listed_once() -> None:
    body = "Beijing imposes export curbs on gallium. It imposed similar curbs on graphite in 2023."
    a = _SCORER.score(Article(title="China imposing new curbs", text=body))
    impose = [e for e in a.evidence if e.cue.lower().startswith("impos") and e.kind == "escalation"]
    assert len(impose) == 1
    assert a.label.value == "escalation"


def test_repeated_cue_keeps_strongest() -> None:
    a = _SCORER.score(
        Article(
            title="US imposes tariffs on Chinese steel",
            text="The tariffs were announced on Monday. Analysts said the US imposes tariffs often.",
        )
    )
    seen: dict[tuple[str, str], float] = {}
    for e in a.evidence:
        key = (e.cue.lower(), e.kind)
        assert key not in seen
        seen[key] = e.contribution


_MAY_12 = datetime(2025, 5, 12, 8, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    "text",
    [
        "Seoul tightened its export licences for battery materials on Monday.",
        "Canada toughened visa approvals for students from the region.",
        "Exporters will require licences for every shipment of graphite to Japan, Beijing said.",
    ],
)
def test_a_stiffer_licence_regime_is_a_restriction(text: str) -> None:
    a = _SCORER.score(Article(text=text, published=_MAY_12))
    assert a.reading is not None
    assert a.reading.label is Label.ESCALATION


def test_a_signed_agreement_with_its_years_is_dated_and_formal() -> None:
    a = _SCORER.score(
        Article(
            text="Vietnam will buy 2 million tonnes of US wheat in 2026 and 2027 under the trade "
            "agreement signed on Friday.",
            published=_MAY_12,
        )
    )
    assert "no timeline" not in said_missing(a)
    assert "no formal instrument" not in said_missing(a)


def test_a_year_already_past_is_no_timeline() -> None:
    a = _SCORER.score(
        Article(text="Peru raised tariffs on textile imports in 2019.", published=_MAY_12)
    )
    assert "no timeline" in said_missing(a)


def test_for_n_days_starting_d_lapses_on_d_plus_n() -> None:
    a = _SCORER.score(
        Article(
            text="Brazil and Argentina agreed to lower duties on steel for 60 days starting June 2.",
            published=_MAY_12,
        )
    )
    assert a.reversion_risk is not None
    assert a.reversion_risk.date == date(2025, 8, 1)


def test_for_n_days_without_a_start_counts_from_publication() -> None:
    a = _SCORER.score(Article(text="Japan suspended the duties for six months.", published=_MAY_12))
    assert a.reversion_risk is not None
    assert a.reversion_risk.date == date(2025, 11, 8)


def test_one_condition_in_two_wordings_is_listed_once() -> None:
    a = _SCORER.score(
        Article(
            text="Ottawa said the purchases would resume, conditional on border talks making "
            "progress. Officials said the offer was conditional on talks progress.",
            published=_MAY_12,
        )
    )
    assert [m for m in said_missing(a) if m.startswith("conditional on")] == [
        "conditional on border talks making progress"
    ]


def said_missing(a: Assessment) -> list[str]:
    """The missing list in the words a reader sees."""
    return [describe_gap(g) for g in a.missing]

"""Clarity carries the certainty signal: hedges lower it in proportion to their strength, on top of
the elements; and the element readings by category (record, counterparties, deadlines)."""

from __future__ import annotations

from bot.domain.models import Assessment, ClarityBand
from bot.domain.scoring import describe_gap
from bot.domain.scoring.certainty import HEDGED_FACTOR, certainty_factor, curve
from bot.domain.scoring.lexicon import load

POINTS = [(float(x), float(f)) for x, f in load("clarity.toml")["certainty"]["curve"]]


def test_curve_passes_through_its_points_and_is_flat_beyond_them() -> None:
    for x, f in POINTS:
        assert curve(x) == f
    (x0, f0), (x1, f1) = POINTS[0], POINTS[1]
    assert curve((x0 + x1) / 2) == (f0 + f1) / 2
    assert curve(POINTS[-1][0] + 5) == POINTS[-1][1]
    assert curve(-1.0) == POINTS[0][1]


def test_factor_falls_with_strength_and_further_when_hedged() -> None:
    factors = [certainty_factor(s, False) for s in (0.0, 0.6, 1.0, 2.0, 3.0)]
    assert factors == sorted(factors, reverse=True)
    assert factors[0] == 1.0
    assert certainty_factor(1.0, True) == certainty_factor(1.0, False) * HEDGED_FACTOR


def test_a_hedge_moves_clarity_far_more_than_a_few_points(score) -> None:  # type: ignore[no-untyped-def]
    enacted = score("Officials eased curbs on rare-earth exports to Japan.")
    hedged = score("Officials may consider easing curbs on rare-earth exports to Japan.")
    assert hedged.hedged
    assert not enacted.hedged
    assert hedged.clarity <= enacted.clarity / 2


def test_stronger_uncertainty_lowers_clarity_more(score) -> None:  # type: ignore[no-untyped-def]
    firm = score("Seoul imposed a 20% duty on Chinese steel plate from July 1.")
    future = score("Seoul will impose a 20% duty on Chinese steel plate from July 1.")
    modal = score("Seoul may impose a 20% duty on Chinese steel plate from July 1.")
    stacked = score(
        "Seoul may possibly impose a 20% duty on Chinese steel plate from July 1 if talks fail, "
        "people familiar with the plan said."
    )
    assert firm.clarity > future.clarity > modal.clarity > stacked.clarity


def test_a_hedged_sentence_stays_a_signal_whatever_its_elements(score) -> None:  # type: ignore[no-untyped-def]
    a = score(
        "Under MOFCOM Announcement No. 18 the ministry could ban gallium exports to the United "
        "States, effective 1 July 2025, with customs checks and penalties."
    )
    assert a.hedged
    assert a.clarity_band is ClarityBand.SIGNAL
    assert "no formal instrument" not in said_missing(a)


def test_elements_still_rank_firm_statements(score) -> None:  # type: ignore[no-untyped-def]
    bare = score("Tokyo approved export licences for chip tools.")
    rich = score("Tokyo approved export licences for 120 chip tools to Germany and France.")
    assert rich.clarity > bare.clarity


def test_an_authority_speaking_in_its_own_name_is_on_record(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The trade ministry said licences for graphite exports would need end-use checks.")
    assert any(e.note == "on-record attribution" for e in a.evidence)
    assert any(e.note == "enforcement or verification" for e in a.evidence)


def test_an_anonymous_source_voids_the_record_in_its_sentence(score) -> None:  # type: ignore[no-untyped-def]
    a = score("A person close to the trade ministry said graphite licences would be tightened.")
    assert not any(e.note == "on-record attribution" for e in a.evidence)
    assert any(e.note == "anonymous sourcing" for e in a.evidence)


def test_two_states_in_one_sentence_name_a_counterparty(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Canberra accused Beijing of blocking barley shipments.")
    assert "no destinations" not in said_missing(a)


def test_a_deadline_in_words_is_a_timeline_but_the_day_of_a_report_is_not(score) -> None:  # type: ignore[no-untyped-def]
    dated = score("The ministry will publish the gallium quota by the end of the year.")
    reported = score("The ministry said on Monday that gallium quotas were under review.")
    assert "no timeline" not in said_missing(dated)
    assert "no timeline" in said_missing(reported)


def test_withheld_and_reversible_wording_by_category(score) -> None:  # type: ignore[no-untyped-def]
    a = score(
        "The waiver can be revoked at any time, and officials did not name the firms covered."
    )
    notes = {e.note for e in a.evidence}
    assert {"reversible", "withheld detail"} <= notes


def said_missing(a: Assessment) -> list[str]:
    """The missing list in the words a reader sees."""
    return [describe_gap(g) for g in a.missing]


def test_an_instrument_named_with_its_issuer_counts_for_both(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The Commerce Department's notice adds 12 firms to the list from May 3.")
    notes = {e.note for e in a.evidence if e.kind == "clarity+"}
    assert {"formal instrument", "on-record attribution"} <= notes
    assert "no formal instrument" not in said_missing(a)


def test_a_hedge_discounts_its_own_sentence_more_than_a_firm_one_beside_it(score) -> None:  # type: ignore[no-untyped-def]
    firm = "The commerce ministry signed a regulation imposing a 25% tariff on steel from Japan, effective March 1, 2027."
    reaction = "Steel importers said they would probably face higher costs and might cut orders."
    hedged_move = firm.replace("signed", "may sign")
    beside = score(f"{firm} {reaction}")
    inside = score(f"{hedged_move} {reaction}")
    assert beside.hedged  # the item still reads as hedged somewhere
    assert beside.clarity_band == ClarityBand.COMMITMENT
    assert inside.clarity_band == ClarityBand.SIGNAL
    assert inside.clarity <= beside.clarity / 2


def test_an_event_in_the_infinitive_lowers_clarity_but_not_the_hedged_flag(score) -> None:  # type: ignore[no-untyped-def]
    done = score("Seoul cut duties on Japanese steel.")
    purpose = score("Seoul cut duties on Japanese steel to ease a shortage.")
    offer = score("Tokyo offered funding to build a gallium refinery.")
    assert not purpose.hedged
    assert not offer.hedged
    assert purpose.clarity < done.clarity
    assert offer.clarity < score("Tokyo funded a gallium refinery.").clarity


def test_to_before_a_noun_or_after_a_duty_is_no_unasserted_event(score) -> None:  # type: ignore[no-untyped-def]
    base = score("Seoul cut duties on Japanese steel.").clarity
    # a destination, a number, a name, a plural: "to" as a preposition
    assert score("Seoul cut duties on steel to Japan.").clarity >= base
    assert score("Seoul cut duties on Japanese steel to 5% from 10%.").clarity >= base
    assert score("Seoul cut duties on Japanese steel to exporters' relief.").clarity >= base
    # a duty laid down: the rule binds, the filing is required
    bound = score("The rule requires exporters to file quarterly reports with customs.")
    free = score("The rule lets exporters file quarterly reports with customs.")
    assert bound.clarity >= free.clarity

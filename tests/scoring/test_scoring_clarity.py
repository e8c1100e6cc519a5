"""Commitment clarity, hedging, missing items and reversion risk."""

from __future__ import annotations

from datetime import date

from bot.domain.models import Assessment, ClarityBand
from bot.domain.scoring import describe_gap


def test_formal_instrument_with_quantities_and_dates_is_a_commitment(score) -> None:  # type: ignore[no-untyped-def]
    a = score(
        "Under MOFCOM Announcement No. 18 of 2025, exports of gallium to the United States are "
        "banned, effective 1 July 2025, and customs will enforce licence checks."
    )
    assert a.clarity_band is ClarityBand.COMMITMENT
    assert "no formal instrument" not in said_missing(a)
    assert "no timeline" not in said_missing(a)


def test_symbolic_selective_withheld_is_a_signal(score) -> None:  # type: ignore[no-untyped-def]
    a = score(
        "Beijing made a symbolic gesture by selectively approving a few magnet export permits, "
        "but it stopped short of naming destination markets and declined to give volumes."
    )
    assert a.clarity_band is ClarityBand.SIGNAL
    assert {"no volumes", "no destinations", "no timeline"} <= set(said_missing(a))
    cues = {e.cue for e in a.evidence if e.kind == "clarity-"}
    assert "stopped short of" in cues


def test_quantity_and_destination_raise_clarity(score) -> None:  # type: ignore[no-untyped-def]
    bare = score("Tokyo approved export licences for chip tools.")
    rich = score("Tokyo approved export licences for 120 chip tools to Germany and France.")
    assert rich.clarity > bare.clarity
    assert "no volumes" in said_missing(bare)
    assert "no volumes" not in said_missing(rich)
    assert "no destinations" in said_missing(bare)
    assert "no destinations" not in said_missing(rich)


def test_modal_hedges_lower_clarity(score) -> None:  # type: ignore[no-untyped-def]
    firm = score("Seoul imposed a 20% duty on Chinese steel plate.")
    soft = score("Seoul could consider a duty on Chinese steel plate, officials signalled.")
    assert soft.clarity < firm.clarity
    assert soft.hedged
    assert not firm.hedged


def test_conditional_is_listed(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Brussels will drop the duties on Chinese EVs if Beijing sets minimum prices.")
    assert any(m.startswith("conditional on") and "Beijing" in m for m in said_missing(a))
    assert a.hedged


def test_anonymous_sourcing_lowers_clarity(score) -> None:  # type: ignore[no-untyped-def]
    on_record = score("The commerce secretary announced a 10% tariff on Vietnamese solar panels.")
    anon = score(
        "A 10% tariff on Vietnamese solar panels is planned, people familiar with it said."
    )
    assert anon.clarity < on_record.clarity
    assert "no on-record attribution" in said_missing(anon)


def test_expecting_talks_to_go_well_is_hedged_signal(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The president said he expects next week's trade talks with Beijing to go very well.")
    assert a.hedged
    assert a.clarity_band is ClarityBand.SIGNAL


def test_plain_fact_is_not_hedged(score) -> None:  # type: ignore[no-untyped-def]
    assert not score("Exports of soybeans fell 12% in May from a year earlier.").hedged


def test_reversion_month_resolves_to_next_first(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Washington threatened to restore the full tariffs on Chinese goods in August.")
    assert a.reversion_risk is not None
    assert a.reversion_risk.date == date(2025, 8, 1)
    assert "restore" in a.reversion_risk.phrase


def test_reversion_specific_day(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The tariff pause expires on August 12, after which duties could be reinstated.")
    assert a.reversion_risk is not None
    assert a.reversion_risk.date == date(2025, 8, 12)


def test_reversion_month_already_past_rolls_to_next_year(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The truce on chip duties lapses in March unless it is renewed.")
    assert a.reversion_risk is not None
    assert a.reversion_risk.date == date(2026, 3, 1)


def test_reversion_phrase_reads_as_a_clause(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Other moves keep alive the threat of full tariff restoration in August.")
    assert a.reversion_risk is not None
    # not cut mid-phrase ("of full tariff restoration in August.") and without the full stop
    assert a.reversion_risk.phrase == "threat of full tariff restoration in August"


def test_reversion_phrase_completes_its_date(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Washington threatened to restore the tariffs by August 12 unless exports resumed.")
    assert a.reversion_risk is not None
    assert a.reversion_risk.phrase == "Washington threatened to restore the tariffs by August 12"
    assert a.reversion_risk.date == date(2025, 8, 12)


def test_reversion_phrase_names_a_distant_date(score) -> None:  # type: ignore[no-untyped-def]
    a = score(
        "Duties could snap back to 145% if talks fail, he said, adding the truce ends Aug. 12."
    )
    assert a.reversion_risk is not None
    assert a.reversion_risk.phrase.startswith("Duties could snap back")
    assert a.reversion_risk.phrase.endswith("… Aug. 12")


def test_reversion_without_date(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The exemption for Korean carmakers is temporary and could be reinstated later.")
    assert a.reversion_risk is not None
    assert a.reversion_risk.date is None


def test_no_reversion_risk(score) -> None:  # type: ignore[no-untyped-def]
    assert score("Canberra signed a free trade agreement with New Delhi.").reversion_risk is None


def test_reversion_needs_publication_date_for_relative_dates(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The 90-day pause on the new duties could snap back.", published=None)
    assert a.reversion_risk is not None
    assert a.reversion_risk.date is None


def said_missing(a: Assessment) -> list[str]:
    """The missing list in the words a reader sees."""
    return [describe_gap(g) for g in a.missing]


def test_a_count_in_words_is_a_quantity_but_not_a_period_or_its_sources(score) -> None:  # type: ignore[no-untyped-def]
    counted = score("Ottawa lifted duties on four Korean steel mills.")
    period = score("Ottawa lifted duties on Korean steel after two years.")
    sources = score("Ottawa lifted duties on Korean steel, two officials said.")
    assert "no volumes" not in said_missing(counted)
    assert "no volumes" in said_missing(period)
    assert "no volumes" in said_missing(sources)


def test_an_amount_in_a_local_currency_is_a_quantity(score) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "Canberra will fund the nickel stockpile with about A$ 2bn.",
        "Kuala Lumpur capped chip exports worth more than RM5m.",
    ):
        assert "no volumes" not in said_missing(score(text)), text


def test_a_count_after_a_market_verb_is_no_price_move(score) -> None:  # type: ignore[no-untyped-def]
    listed = score("Seoul added 14 suppliers to its export control list.")
    moved = score("Seoul's chip index added 14% after the export control list was published.")
    assert "no volumes" not in said_missing(listed)
    assert "no volumes" in said_missing(moved)


def test_a_place_or_firm_after_a_destination_preposition_is_a_counterparty(score) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "Washington capped chip sales to the Gulf at 500,000 units.",
        "The regulation sets duties of 20% on Geely.",
    ):
        assert "no destinations" not in said_missing(score(text)), text


def test_a_day_a_month_or_a_part_of_a_law_is_no_counterparty(score) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "The tariff on steel rises to 50% on Monday.",
        "The tariff on steel rises to 50% from August.",
        "The tariff on steel was raised to 50% under Section 232.",
    ):
        assert "no destinations" in said_missing(score(text)), text


def test_a_withheld_name_withholds_only_what_is_named(score) -> None:  # type: ignore[no-untyped-def]
    sectors = score("The deal with Seoul cut tariffs but does not name the sectors covered.")
    buyers = score("The deal with Seoul cut tariffs but does not name the buyers.")
    assert "no destinations" not in said_missing(sectors)
    assert "no destinations" in said_missing(buyers)


def test_a_year_a_measure_is_set_for_is_a_date(score) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "Jakarta set nickel export quotas for 2027 at 200 million tonnes.",
        "Jakarta will cut the 2027 nickel export quota by 10%.",
    ):
        assert "no timeline" not in said_missing(score(text)), text


def test_a_move_lasting_while_a_condition_holds_is_conditional_and_reversible(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The tariff cut on Korean cars will stand only as long as the ceasefire holds.")
    notes = {e.note for e in a.evidence}
    assert {"conditional", "reversible"} <= notes
    assert any(m.startswith("conditional on") for m in said_missing(a))


def test_a_detail_left_open_in_the_perfect_is_withheld(score) -> None:  # type: ignore[no-untyped-def]
    left = score("Seoul raised tariffs on steel, but the list of products has not been published.")
    given = score("Seoul raised tariffs on steel and published the list of products.")
    assert any(e.note == "withheld detail" for e in left.evidence)
    assert not any(e.note == "withheld detail" for e in given.evidence)


def test_a_measure_under_review_is_hedged_wording(score) -> None:  # type: ignore[no-untyped-def]
    review = score("A tariff cut on Korean cars is under review.")
    done = score("A tariff cut on Korean cars took effect.")
    assert any(e.note == "hedged wording" for e in review.evidence)
    assert not any(e.note == "hedged wording" for e in done.evidence)


def test_an_act_in_a_gazette_is_an_instrument_its_publisher_no_speaker(score) -> None:  # type: ignore[no-untyped-def]
    """The gazette is where an act is printed; the authority that made it is on the record where
    it is named (docs/scoring.md, "Stricter element cues")."""
    a = score("The Official Journal regulation imposes duties of 20% on steel from India.")
    assert "no formal instrument" not in said_missing(a)
    assert not any(e.note == "on-record attribution" for e in a.evidence)
    named = score("The regulation, published by the Commission, imposes duties on Indian steel.")
    assert any(e.note == "on-record attribution" for e in named.evidence)


def test_a_licensing_regime_named_by_what_it_requires_is_an_instrument(score) -> None:  # type: ignore[no-untyped-def]
    regime = score("Tokyo added 12 chip tools to its list of items requiring a licence for export.")
    plain = score("Tokyo said chip tool exports to Korea rose.")
    assert "no formal instrument" not in said_missing(regime)
    assert "no formal instrument" in said_missing(plain)


def test_a_state_acted_on_or_granted_a_measure_is_a_counterparty(score) -> None:  # type: ignore[no-untyped-def]
    for text in (
        "The rule would restrict Chinese funds from buying critical-mineral projects.",
        "Japan's exemption from the auto tariff is temporary.",
    ):
        assert "no destinations" not in said_missing(score(text)), text
    acting = score("Japan's decision on the auto tariff is temporary.")
    assert "no destinations" in said_missing(acting)


def test_a_named_speaker_is_on_the_record_and_an_unnamed_one_is_not(score) -> None:  # type: ignore[no-untyped-def]
    named = score(
        "Tariffs on Korean steel will rise to 25% in June, Greer's deputy Jamieson told reporters."
    )
    plain = score("Tariffs on Korean steel will rise to 25% in June, Kowalski said.")
    unnamed = score("Tariffs on Korean steel will rise to 25% in June, officials said.")
    assert any(e.note == "on-record attribution" for e in named.evidence)
    assert any(e.note == "on-record attribution" for e in plain.evidence)
    assert not any(e.note == "on-record attribution" for e in unnamed.evidence)

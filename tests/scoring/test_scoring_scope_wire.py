"""Trade-policy moves in wire copy by category: a market opened with its product named, a quota
on a good, reciprocity in its other words, a state named by its institution's adjective, and wire
headlines in capitals."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "text",
    [
        "Seoul will gradually open its beef market to foreign suppliers, the minister said.",
        "The envoy said Japan must open the rice market before the next round.",
        "Tokyo agreed to open up its construction market to American contractors.",
    ],
)
def test_a_market_opened_with_its_product_named_is_a_lever(score, text: str) -> None:  # type: ignore[no-untyped-def]
    a = score(text)
    assert a.relevant
    assert "policy lever" in {e.note for e in a.evidence if e.kind == "relevance"}


@pytest.mark.parametrize(
    "text",
    [
        "The yen opened higher in Tokyo markets after the weekend.",
        "A Japanese camera maker opened a new market in Brazil last year.",
        "Japan's share market opened the week firmer on bargain hunting.",
    ],
)
def test_a_price_or_a_firm_opening_a_market_is_no_lever(score, text: str) -> None:  # type: ignore[no-untyped-def]
    assert not score(text).relevant


@pytest.mark.parametrize(
    "text",
    [
        "Bangkok will seek a larger garment quota from the European Community next year.",
        "The bill would grant national treatment only to banks from countries that give the "
        "United States equal access.",
    ],
)
def test_quotas_and_reciprocity_are_levers(score, text: str) -> None:  # type: ignore[no-untyped-def]
    assert score(text).relevant


def test_an_institution_adjective_names_its_state(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Congressional leaders pressed for a trade bill that would curb shoe imports.")
    assert "US" in a.actors
    assert a.relevant


@pytest.mark.parametrize(
    "title",
    [
        "U.S. TO CURB IMPORTS OF JAPANESE MACHINE TOOLS",
        "SEOUL SAYS IT WILL OPEN FARM MARKET TO U.S.",
        "Taiwan To Cut Import Tariffs On 500 Items",
    ],
)
def test_wire_headlines_in_capitals_or_title_case(score, title: str) -> None:  # type: ignore[no-untyped-def]
    assert score("Officials gave no further detail.", title=title).relevant


def test_bonn_names_west_germany(score) -> None:  # type: ignore[no-untyped-def]
    assert "DE" in score("Bonn rejected the call to cut its farm subsidies.").actors
    assert "DE" not in score("Ministers met in Bonn on Tuesday.").actors

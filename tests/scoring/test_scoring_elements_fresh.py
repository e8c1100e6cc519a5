"""Element readings by category of wording: each category read in a sentence of its own, and a
look-alike of it that must not be read (the element-labelled sets measure them; see
docs/scoring.md, "Element readings on a fresh annotated set")."""

from __future__ import annotations

import pytest

from bot.domain.element_eval import read_elements

CASES: list[tuple[str, str, str, bool]] = [
    # (category, element, sentence, read?)
    # a detail kept back in other words
    ("kept back", "withheld", "Tokyo kept the list of exempted products under wraps.", True),
    ("kept back", "withheld", "The quota's size remains closely held, officials said.", True),
    ("kept back", "withheld", "The ministry's allocations were not broken down by region.", True),
    ("kept back", "withheld", "Seoul's envoy said only that the review was continuing.", True),
    ("kept back", "withheld", "Asked about volumes, the minister refused to be pinned down.", True),
    (
        "kept back",
        "withheld",
        "The closely held steelmaker exported 40,000 tonnes to Canada.",
        False,
    ),
    ("kept back", "withheld", "Police have not pinned down the smuggler's whereabouts.", False),
    # a move made for form's sake, or a sliver of what was asked
    ("for form", "symbolic", "The release of one gallium cargo was largely ceremonial.", True),
    ("for form", "symbolic", "Seoul approved only a sliver of the pending licence requests.", True),
    ("for form", "symbolic", "Beijing offered a token cut in duties on Australian barley.", True),
    ("for form", "symbolic", "Visitors received a commemorative token at the trade fair.", False),
    ("for form", "symbolic", "The chip packs a billion transistors on a sliver of silicon.", False),
    ("for form", "symbolic", "The talks were held in a symbolic venue near the border.", False),
    # unnamed insiders and unnamed people of a trade who know the plans
    ("insider", "anonymous", "A ministry insider said the export quota would be halved.", True),
    ("insider", "anonymous", "Two officials with direct knowledge said tariffs would rise.", True),
    ("insider", "anonymous", "Bankers familiar with the deal said the stake was capped.", True),
    ("insider", "anonymous", "The minister said Tokyo was familiar with Seoul's position.", False),
    # violators pursued: indictments, seizures and detentions by an authority, secondary sanctions
    (
        "pursuit",
        "enforcement",
        "Prosecutors indicted three traders for shipping chips to Iran.",
        True,
    ),
    ("pursuit", "enforcement", "Customs seized 800 tonnes of steel misdeclared as Thai.", True),
    ("pursuit", "enforcement", "Banks dealing with the refiners face secondary sanctions.", True),
    ("pursuit", "enforcement", "The released fishermen had been detained crew members.", False),
    ("pursuit", "enforcement", "Traders will monitor the peso closely ahead of the vote.", False),
    ("pursuit", "enforcement", "The accounting firm Deloitte said costs were rising.", False),
    # an order of the head of state, a named act, an agreement cited as the governing text
    ("instrument", "instrument", "A presidential order bars Chinese buyers from the port.", True),
    (
        "instrument",
        "instrument",
        "Imports were blocked under the Forced Labor Prevention Act.",
        True,
    ),
    ("instrument", "instrument", "Under the agreement, Hanoi will cut duties on US pork.", True),
    ("instrument", "instrument", "The pact requires annual audits of cobalt refiners.", True),
    ("instrument", "instrument", "The order book at Busan's yards grew on LNG demand.", False),
    # a named trade instrument of the bloc is a formal instrument even where its use is only
    # possible (the possibility is the hedge)
    ("instrument", "instrument", "Brussels may trigger the anti-coercion instrument.", True),
    # what a move hangs on
    ("hangs on", "condition", "Relief depends on whether Ottawa drops the digital tax.", True),
    ("hangs on", "condition", "Assuming the ceasefire holds, exports will restart in May.", True),
    ("hangs on", "condition", "If anything, Thai exports to the US have accelerated.", False),
    ("hangs on", "condition", "Reporters asked if the envoys would meet again.", False),
    ("hangs on", "condition", "Seoul cleared a third of its pending applications.", False),
    ("hangs on", "condition", "The ministry provided the details a week later.", False),
    ("hangs on", "condition", "The buyer is assuming $2 billion of the miner's debt.", False),
    # a relief that runs out or is renewed for a period
    ("runs out", "reversible", "Duties will go back up to 30% when the suspension ends.", True),
    ("runs out", "reversible", "Mexico's tariff holiday on Chinese steel runs out in March.", True),
    ("runs out", "reversible", "Canada waives duties on Ukrainian steel for another year.", True),
    ("runs out", "reversible", "Temporary staff were hired to clear the customs backlog.", False),
    ("runs out", "reversible", "Officials called the delay a temporary setback.", False),
    ("runs out", "reversible", "Beijing will restore export licences for graphite buyers.", False),
    # a snap-back stated as a possibility: hedged as well as reversible
    ("may revert", "hedge", "Duties on Korean steel could be reinstated in the autumn.", True),
    ("may revert", "reversible", "Duties on Korean steel could be reinstated in the autumn.", True),
    # a measure still being drawn up
    ("drafting", "hedge", "Brussels is drafting rules to cap Chinese stakes in grids.", True),
    ("drafting", "hedge", "Ottawa was readying duties on Chinese aluminium.", True),
    ("drafting", "hedge", "As expected, the assembly passed the tariff bill.", False),
    ("drafting", "hedge", "Higher duties are weighing on carmakers' margins.", False),
    # a state's firms or goods as what a measure reaches, without a preposition; a trade flow
    # reported moving is a statistic, not a destination
    ("reached", "destination", "Ottawa blacklisted six Iranian shipping firms on Friday.", True),
    ("reached", "destination", "The rule bars the Vietnamese exporters named in the annex.", True),
    ("reached", "destination", "Japanese exporters must now file end-use statements.", False),
    ("flow", "destination", "Chip exports from Malaysia fell 4% in the third quarter.", False),
    ("flow", "destination", "Seoul cut duties on chip exports from Malaysia by 4%.", True),
    # the timeline of a measure: an extension for a further period; not a statistic's month, a
    # past state's start ("since April") or a tariff's effective rate
    (
        "period",
        "date",
        "The waiver on Iraqi power imports was extended for another 120 days.",
        True,
    ),
    ("period", "date", "Ankara suspends duties on US cotton for a further year.", True),
    ("period", "reversible", "Ankara suspends duties on US cotton for a further year.", True),
    ("period", "date", "Steel imports from Turkey fell 12% in August, customs data showed.", False),
    ("period", "date", "Lithium prices have fallen by half since March, brokers estimated.", False),
    ("period", "date", "Economists put the effective tariff rate on Chinese goods at 40%.", False),
    # a condition written without "if"
    ("inverted", "condition", "Should Seoul retaliate, Washington will double the duties.", True),
    ("inverted", "condition", "Seoul should retaliate, the opposition leader argued.", False),
    # a price move's amount after "as much as", the count of leaders who meet
    ("no count", "quantity", "Shares of Korean shipbuilders rose as much as 6% on Monday.", False),
    ("no count", "quantity", "Seoul will buy as much as 6 million tonnes of US crude.", True),
    ("no count", "quantity", "Aides said the two leaders would speak by phone.", False),
    # an authority's statement in the perfect; a speaker who does not decide
    ("record", "on_record", "The trade ministry has said it will retaliate in kind.", True),
    ("record", "on_record", "Former negotiator Carla Hills said the duties were a mistake.", False),
    (
        "record",
        "on_record",
        "Nomura economist Rob Subbaraman said tariffs would hit exports.",
        False,
    ),
]


@pytest.mark.parametrize(("category", "element", "text", "expected"), CASES)
def test_element_category_is_read_and_its_look_alike_is_not(  # type: ignore[no-untyped-def]
    score, category: str, element: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))[element] is expected, (category, text)

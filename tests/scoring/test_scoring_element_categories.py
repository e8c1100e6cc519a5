"""Element readings by category of wording, widened from what the element sets' misses shared:
instruments named by kind, enforcement papers and bodies, reliefs bound to a period or an end,
conditions that wait on an event, details said to be unknown or left for later, sources whose name
is held back and authorities cited as the source. Each category is read in sentences of its own,
with a look-alike that must not be read (docs/scoring.md, "Element readings: categories that
carry over")."""

from __future__ import annotations

import pytest

from bot.domain.element_eval import read_elements

CASES: list[tuple[str, str, str, bool]] = [
    # (category, element, sentence, read?)
    # an instrument named by its kind in the plural or by what it lists, a bill passed into law
    ("by kind", "instrument", "Seoul amended its strategic goods regulations on cobalt.", True),
    ("by kind", "instrument", "The bloc adopted a new package of sanctions on Minsk.", True),
    ("by kind", "instrument", "Lawmakers passed a bill banning Chinese drones.", True),
    ("by kind", "instrument", "Beijing added graphite to its dual-use items list.", True),
    ("by kind", "instrument", "Ottawa imposed a safeguard measure on steel wire.", True),
    ("by kind", "instrument", "The bill for the new port was paid by Chinese lenders.", False),
    # papers that prove destination or origin, bodies that settle or oversee, evasion pursued
    ("papers", "enforcement", "Buyers of the chips must sign end-user certificates.", True),
    ("papers", "enforcement", "Customs will demand proof of origin for Thai solar cells.", True),
    ("papers", "enforcement", "The pact creates a dispute settlement panel on steel.", True),
    ("papers", "enforcement", "A joint board will oversee the cobalt purchase pledges.", True),
    ("papers", "enforcement", "Duties apply to exporters circumventing the Korean quota.", True),
    ("papers", "enforcement", "Seoul raised its steel tariff to 25% on Monday.", False),
    # a relief bound to a period or an end
    ("bound", "reversible", "Tariffs on Swiss watches are suspended until the talks end.", True),
    ("bound", "reversible", "Ankara put its tariffs on US cotton on hold.", True),
    ("bound", "reversible", "The gallium licence is valid for one year only.", True),
    ("bound", "reversible", "Washington granted Samsung a one-year waiver on chip tools.", True),
    (
        "bound",
        "reversible",
        "The exemptions for Mexican steel are reviewed every six months.",
        True,
    ),
    ("bound", "reversible", "Duties on Thai rice were suspended pending a WTO ruling.", True),
    ("bound", "condition", "Duties on Thai rice were suspended pending a WTO ruling.", True),
    ("bound", "reversible", "Tokyo and Seoul met again after a three-year pause in talks.", False),
    ("bound", "reversible", "The port was on the route of the hold-up protests.", False),
    # a move that waits on an event
    ("waits", "condition", "Relief will come only after Ottawa drops its digital tax.", True),
    ("waits", "condition", "Tariffs would rise in the event of retaliation by Beijing.", True),
    ("waits", "condition", "Only once did Seoul raise its duties on Japanese steel.", False),
    # a detail said to be unknown, left for later, or not yet given
    ("unknown", "withheld", "It is unclear which Korean firms the rule will cover.", True),
    ("unknown", "withheld", "The list of covered chips will be published separately.", True),
    ("unknown", "withheld", "Beijing has yet to say which buyers will get licences.", True),
    ("unknown", "withheld", "Neither side disclosed the size of the soybean purchases.", True),
    ("unknown", "withheld", "The ministry published the list of covered chips on Monday.", False),
    # the source's name held back in other words, a government source
    ("unnamed", "anonymous", "A government source said the rice quota would be doubled.", True),
    (
        "unnamed",
        "anonymous",
        "Officials speaking on condition they not be named said tariffs would rise.",
        True,
    ),
    ("unnamed", "anonymous", "Seoul named a new trade envoy to Tokyo on Friday.", False),
    (
        "unnamed",
        "anonymous",
        "The minister said Seoul would be a source of rare earths for Tokyo.",
        False,
    ),
    # an authority cited as the source
    ("cited", "on_record", "According to the ministry, gallium exports will need licences.", True),
    ("cited", "on_record", "According to a statement, Seoul will cut duties on US beef.", True),
    ("cited", "on_record", "According to the commerce ministry, Seoul will cut beef duties.", True),
    ("cited", "on_record", "According to traders, Seoul will cut duties on US beef.", False),
]


@pytest.mark.parametrize(("category", "element", "text", "expected"), CASES)
def test_element_category_is_read_and_its_look_alike_is_not(  # type: ignore[no-untyped-def]
    score, category: str, element: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))[element] is expected, (category, text)


UNNAMED: list[tuple[str, bool, bool]] = [
    # (sentence, anonymous?, on record?): a speaker after an indefinite article, or plural
    # sources, is unnamed even where a verb of saying ("told reporters") would put it on record
    ("An EU diplomat said member states backed the duties on Chinese cars.", True, False),
    ("A senior Japanese official told reporters that car tariffs would fall.", True, False),
    ("Sources in Beijing said the ministry was drafting rules on gallium exports.", True, False),
    ("A trade official, Ito Ken, said the tariffs on cars would fall.", False, False),
    ("Trade minister Ito Ken said the tariffs on cars would fall.", False, True),
]


@pytest.mark.parametrize(("text", "anonymous", "on_record"), UNNAMED)
def test_an_unnamed_speaker_is_anonymous_and_not_on_record(  # type: ignore[no-untyped-def]
    score, text: str, anonymous: bool, on_record: bool
) -> None:
    read = read_elements(score(text))
    assert (read["anonymous"], read["on_record"]) == (anonymous, on_record), text


MORE: list[tuple[str, str, str, bool]] = [
    # the published text of a deal between states
    ("text", "instrument", "Beijing and Washington issued a joint statement cutting duties.", True),
    ("text", "instrument", "Officials made a statement to reporters after the talks.", False),
    # a concession kept small, or a sliver of what was asked
    ("small", "symbolic", "Tokyo made a modest concession on rice imports from the US.", True),
    (
        "small",
        "symbolic",
        "Beijing approved only a fraction of the gallium licence requests.",
        True,
    ),
    ("small", "symbolic", "Copper prices rose a fraction of a percent on the tariff news.", False),
]


@pytest.mark.parametrize(("category", "element", "text", "expected"), MORE)
def test_more_element_categories_are_read_and_their_look_alikes_are_not(  # type: ignore[no-untyped-def]
    score, category: str, element: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))[element] is expected, (category, text)

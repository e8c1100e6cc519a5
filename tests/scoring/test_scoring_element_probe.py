"""Element cues made stricter by category of wording, each beside wording of the same element that
must still be read (docs/scoring.md, "Element cues against a probe of look-alikes"): a period that
has passed since an event is no date of a move, a place someone speaks or travels from, or
what someone is familiar with, is no counterparty, and a gesture denied or that never came is no
symbolic move."""

from __future__ import annotations

import pytest

from bot.domain.element_eval import read_elements

ELAPSED: list[tuple[str, bool]] = [
    # a period since an event: how long ago, not when a move is due
    ("Three years after the first copper curbs, Peru's smelters have doubled output.", False),
    ("Two years since the copper duties, Peru's exports have recovered.", False),
    ("Six months later, Lima's copper mills were running at full tilt again.", False),
    # a period a move runs for or waits on still dates it
    ("The duties on Peruvian copper will be reviewed after two years.", True),
    ("The copper duties will take effect three months after publication.", True),
    ("Ottawa will cut copper duties on Peru within a year.", True),
]


@pytest.mark.parametrize(("text", "expected"), ELAPSED)
def test_a_period_since_an_event_is_no_date(score, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text, published=None))["date"] is expected, text


VENUES: list[tuple[str, bool]] = [
    # where a speaker is or came from, and what someone knows: no party the measure reaches
    ("Speaking from Geneva, the Peruvian envoy said Ottawa would keep copper duties.", False),
    ("The minister said Ottawa was familiar with Lima's concerns about copper duties.", False),
    ("Writing from Tokyo, the envoy said copper duties would stay.", False),
    # the same prepositions before a party the measure reaches
    ("Ottawa will stop copper shipments from Peru.", True),
    ("Ottawa signed a copper deal with Peru.", True),
    ("The trade minister, who flew in from Tokyo, signed a copper deal with Peru.", True),
]


@pytest.mark.parametrize(("text", "expected"), VENUES)
def test_a_venue_is_no_counterparty(score, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text))["destination"] is expected, text


DENIED: list[tuple[str, bool]] = [
    # a gesture negated, or one that never happened: no symbolic move
    ("Lima made no gesture on copper duties.", False),
    ("The gesture Ottawa hoped for never came.", False),
    ("The copper ban on Peru was not a symbolic move.", False),
    ("There was nothing symbolic about the copper ban on Peru.", False),
    # a gesture made, also beside a negation or a deal that never came elsewhere
    ("Lima's copper quota cut for Peru was a symbolic gesture.", True),
    ("Lima's token cut on copper duties for Peru did not come with any figures.", True),
    ("Ottawa approved a few copper licences for Peru but the wider deal never came.", True),
]


@pytest.mark.parametrize(("text", "expected"), DENIED)
def test_a_gesture_denied_is_no_symbolic_move(score, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text))["symbolic"] is expected, text


FIGURES: list[tuple[str, bool]] = [
    # a figure in a sentence that names no measure sizes none
    ("The envoy's biography, printed in 2019, runs to three hundred and 12 pages.", False),
    ("The customs office in Lima employs about 2,500 people.", False),
    ("Peru's copper mines are worth some $40 billion, a banker said.", False),
    # a number beside a move, a lever, a measure's text or what it reaches or caps
    ("Ottawa raised copper duties on Peru to 15%.", True),
    ("Ottawa will cap copper imports from Peru at 3,000 tonnes.", True),
    ("Ottawa bought 40,000 tonnes of Peruvian copper.", True),
    ("The decree lists 12 Peruvian smelters.", True),
]


@pytest.mark.parametrize(("text", "expected"), FIGURES)
def test_a_figure_that_sizes_no_measure_is_no_quantity(score, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text))["quantity"] is expected, text


def test_a_figure_keeps_its_points_without_a_volume(score) -> None:  # type: ignore[no-untyped-def]
    # a reported figure still reads as a fact (clarity), but fills no volumes gap
    plain = score("The customs office in Lima employs many people.")
    figure = score("The customs office in Lima employs about 2,500 people.")
    assert figure.clarity > plain.clarity
    assert any(g.code == "volumes" for g in figure.missing)


DATED: list[tuple[str, bool]] = [
    # a date in a sentence that names no measure dates none
    ("The envoy's memoir, printed in 2019, runs to many pages.", False),
    ("The panel's report, circulated on 4 June, runs long.", False),
    ("Copper was first mined in Peru in 1850.", False),
    # a date beside a move, a lever or a measure's text
    ("Ottawa will raise copper duties on Peru from 1 June.", True),
    ("The copper decree was published in the gazette in May.", True),
    ("Ottawa's copper quota on Peru expires on 30 June.", True),
]


@pytest.mark.parametrize(("text", "expected"), DATED)
def test_a_date_that_dates_no_measure_is_no_date(score, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text, published=None))["date"] is expected, text


TITLES: list[tuple[str, bool]] = [
    # a title in a sentence where no one speaks and nothing is done: no source on the record
    ("The trade minister was born in Arequipa and studied law in Lima.", False),
    ("The commerce secretary previously ran a copper mine near Cusco.", False),
    # a title that speaks, or that acts on the beat
    ("The trade minister said Ottawa would keep copper duties on Peru.", True),
    ("The commerce secretary raised copper duties on Peru.", True),
]


@pytest.mark.parametrize(("text", "expected"), TITLES)
def test_a_title_that_neither_speaks_nor_acts_is_not_on_record(
    score, text: str, expected: bool
) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text))["on_record"] is expected, text


SET_PHRASES: list[tuple[str, str, bool]] = [
    # set phrases that hold a modal, an "if" or "enforcement" but say nothing of the measure
    (
        "hedge",
        "Lima could not be more pleased with Ottawa's copper quota, the minister said.",
        False,
    ),
    ("hedge", "Economists may disagree, but Ottawa cut copper duties on Peru.", False),
    ("hedge", "Ottawa could cut copper duties on Peru.", True),
    ("condition", "If the past is any guide, Ottawa will keep its copper duties on Peru.", False),
    ("condition", "As if to prove the point, Ottawa cut copper duties on Peru.", False),
    ("condition", "Ottawa will cut copper duties on Peru if Lima drops its levy.", True),
    ("enforcement", "Law enforcement officers closed streets near the copper talks.", False),
    ("enforcement", "The enforcement of contracts in Peru's courts has improved.", False),
    ("enforcement", "Customs will step up enforcement of the copper quota on Peru.", True),
    ("instrument", "Lima acts in line with the law, the trade ministry said of copper.", False),
    ("instrument", "The act of signing the copper pact with Peru took two minutes.", False),
    ("instrument", "The Trade Act of 1974 lets Ottawa raise copper duties on Peru.", True),
    (
        "condition",
        "A copper envoy, speaking on condition that he not be named, backed the duties.",
        False,
    ),
    ("condition", "Ottawa will cut copper duties on the condition that Lima drops its levy.", True),
    ("withheld", "The copper bond sale stopped short of its target, raising $1 billion.", False),
    (
        "withheld",
        "Ottawa stopped short of naming the Peruvian smelters hit by copper duties.",
        True,
    ),
    ("anonymous", "Copper is 5% of Peru's exports, according to industry figures.", False),
    ("anonymous", "Ottawa will cut copper duties on Peru, according to people briefed.", True),
]


@pytest.mark.parametrize(("element", "text", "expected"), SET_PHRASES)
def test_a_set_phrase_is_no_element(score, element: str, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text))[element] is expected, text


EVENTS: list[tuple[str, bool]] = [
    # a list written in lower case after its name, an event or an era named after a body or state
    ("Ottawa told copper exporters to check buyers against the Military End-User list.", False),
    ("The museum in Lima displays copper tariff papers from the Qing dynasty.", False),
    ("The copper envoy was in Lima for a NATO meeting.", False),
    # the same names as parties a measure reaches
    ("Ottawa will cut copper duties for NATO members.", True),
    ("Ottawa will cut copper duties for Glencore.", True),
]


@pytest.mark.parametrize(("text", "expected"), EVENTS)
def test_a_list_or_an_event_is_no_counterparty(score, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text))["destination"] is expected, text


UNMEASURED_STATES: list[tuple[str, bool]] = [
    # two states named in a sentence that names no measure: no counterparty of each other
    ("The number of Peruvian students in Canada peaked in 2019.", False),
    ("The unflagged barge, registered in Panama, was seen off the coast of Peru.", False),
    # two states beside a measure
    ("Canada's copper quota on Peru starts in June.", True),
]


@pytest.mark.parametrize(("text", "expected"), UNMEASURED_STATES)
def test_two_states_without_a_measure_are_no_counterparties(
    score, text: str, expected: bool
) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text))["destination"] is expected, text


RANKS: list[tuple[str, bool]] = [
    # a rank among the largest or most of a kind: no size of a move
    ("Ottawa's ranking of the 100 largest copper buyers puts two Peruvian firms first.", False),
    (
        "A law firm advising 12 of the 20 biggest pension funds praised Ottawa's copper duties.",
        False,
    ),
    # a count of what the measure reaches
    ("Ottawa imposed copper duties on 20 Peruvian smelters.", True),
]


@pytest.mark.parametrize(("text", "expected"), RANKS)
def test_a_rank_is_no_quantity(score, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text))["quantity"] is expected, text


OFFICERS: list[tuple[str, bool]] = [
    # a title held at a firm or group, named in the possessive: no authority on the record
    ("The copper group's chairman said Ottawa's duties on Peru would hurt.", False),
    ("The company's president said Ottawa's copper duties on Peru would hurt.", False),
    # a state's official by title
    ("Canada's trade minister said copper duties on Peru would stay.", True),
]


@pytest.mark.parametrize(("text", "expected"), OFFICERS)
def test_a_firms_officer_is_not_on_record(score, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text))["on_record"] is expected, text

"""Element cues made stricter to what SCORING.md §3 says an element is, by category of wording,
each beside wording of the same element that must still be read (docs/scoring.md, "Stricter element
cues"): the mood of talks and an outcome with no text are no hedge, commentators by trade are no
unnamed source, a screening regime is the lever and not its enforcement, a gazette prints an act but
speaks for no one, a tariff's effective rate is no effective date, "as soon as next week" is no condition, a
permission on a proviso is no hedge, a list firms are added to is no counterparty, an authority that speaks in lower case is on the
record, and the like."""

from __future__ import annotations

import pytest

from bot.domain.element_eval import read_elements

CASES: list[tuple[str, str, str, bool]] = [
    # (category, element, sentence, read?)
    # the mood of talks or an outcome with no text: a signal, but no hedged wording
    ("unbound", "hedge", "Ottawa and Lima agreed a framework on copper quotas.", False),
    ("unbound", "hedge", "Envoys called the copper talks in Lima constructive.", False),
    (
        "unbound",
        "hedge",
        "Ottawa and Lima reached an agreement in principle on copper duties.",
        False,
    ),
    ("unbound", "hedge", "Ottawa may sign a copper framework with Lima.", True),
    ("unbound", "hedge", "Ottawa is considering copper duties on Peru.", True),
    # analysts and economists judge a move from outside: comment, no unnamed source
    (
        "commentators",
        "anonymous",
        "Analysts said the copper levy on Peru would change little.",
        False,
    ),
    (
        "commentators",
        "anonymous",
        "Economists say Ottawa's copper quota on Peru is cosmetic.",
        False,
    ),
    (
        "commentators",
        "anonymous",
        "Officials in Ottawa said the copper levy on Peru would stay.",
        True,
    ),
    ("commentators", "anonymous", "Copper traders say Ottawa has stopped buying from Peru.", True),
    (
        "commentators",
        "on_record",
        "Economists said Ottawa's copper quota on Peru is cosmetic.",
        False,
    ),
    # the effective rate of a tariff is what it costs, not when it starts
    (
        "effective rate",
        "date",
        "Economists said the effective US tariff rate on Peru rose to 17%.",
        False,
    ),
    ("effective rate", "date", "The effective average duty rate on Peruvian copper is 9%.", False),
    (
        "effective rate",
        "date",
        "Effective 1 May, the tariff rate on Peruvian copper rises to 17%.",
        True,
    ),
    ("effective rate", "date", "The copper tariff on Peru is effective immediately.", True),
    # a screening regime named as the measure: the lever itself, not its enforcement
    (
        "screening",
        "enforcement",
        "Ottawa will raise its investment screening thresholds for copper.",
        False,
    ),
    (
        "screening",
        "enforcement",
        "Ottawa eased its screening of Peruvian investment in copper mines.",
        False,
    ),
    (
        "screening",
        "enforcement",
        "Lima tightened the screening rules for Canadian copper buyers.",
        False,
    ),
    (
        "screening",
        "enforcement",
        "Customs in Lima will screen every copper cargo bound for Canada.",
        True,
    ),
    ("screening", "enforcement", "Banks must screen copper payments linked to Peru.", True),
    # a gazette prints an act: an instrument, but no authority on the record unless one is named
    (
        "gazette",
        "on_record",
        "The copper decree on Peruvian ore appeared in the official gazette.",
        False,
    ),
    ("gazette", "on_record", "A Federal Register notice sets copper duties on Peru at 12%.", False),
    ("gazette", "instrument", "A Federal Register notice sets copper duties on Peru at 12%.", True),
    (
        "gazette",
        "on_record",
        "The copper notice, issued by the trade ministry, sets duties on Peru.",
        True,
    ),
    (
        "gazette",
        "on_record",
        "The trade ministry said the copper duties on Peru start in May.",
        True,
    ),
    # "as soon as" a time says how early a move comes, not what it waits on
    ("how soon", "condition", "Lima may lift copper duties on Canada as soon as next week.", False),
    ("how soon", "condition", "Lima will lift copper duties on Canada as soon as Friday.", False),
    (
        "how soon",
        "condition",
        "Lima will lift copper duties as soon as Ottawa drops its levy.",
        True,
    ),
    # a modal that grants a permission on a proviso its own subject must meet is no hedge
    (
        "permission",
        "hedge",
        "Copper exporters may keep their licences provided they accept audits.",
        False,
    ),
    (
        "permission",
        "hedge",
        "Smelters could ship copper to Canada provided that they file reports.",
        False,
    ),
    (
        "permission",
        "hedge",
        "Lima could resume copper sales to Canada provided Ottawa drops its levy.",
        True,
    ),
    ("permission", "hedge", "Lima could resume copper sales to Canada next year.", True),
    # a list firms are added to is no counterparty
    (
        "list",
        "destination",
        "Lima said violators will be added to the Unreliable Entity List.",
        False,
    ),
    ("list", "destination", "Lima moved two copper traders to the Unverified List.", False),
    ("list", "destination", "Lima added two Canadian copper traders to the Entity List.", True),
    ("list", "destination", "Lima cut copper duties to Peru.", True),
    # a quantifier between the preposition and the state: still a destination
    ("quantifier", "destination", "Lima lifted its ban on all Canadian copper.", True),
    ("quantifier", "destination", "Lima cut duties on a few Canadian copper goods.", True),
    ("quantifier", "destination", "Lima lifted its ban on all copper imports.", False),
    # an authority in lower case that speaks or publishes is on the record; one that only acts or
    # is a place is not
    ("body speaks", "on_record", "The ministry hinted at more export approvals.", True),
    (
        "body speaks",
        "on_record",
        "The ministry disclosed the names of the nine licensed firms.",
        True,
    ),
    ("body speaks", "on_record", "The office reopened on Monday.", False),
    (
        "body speaks",
        "on_record",
        "The trade ministry hinted at more copper licences for Peru.",
        True,
    ),
    (
        "body speaks",
        "on_record",
        "Copper duties on Peru will stay, the finance department noted.",
        True,
    ),
    ("body speaks", "on_record", "Canada's treasurer said copper duties on Peru will rise.", True),
    (
        "body speaks",
        "on_record",
        "The customs office reopened after the copper dispute with Peru.",
        False,
    ),
    ("body speaks", "on_record", "Talks with the treasurer of Peru's copper board ended.", False),
    # a move set or hinted at is still to come: hedged wording
    ("still to come", "hedge", "Lima is set to cut copper duties on Canada.", True),
    ("still to come", "hedge", "The ministry hinted at more copper licences for Canada.", True),
    ("still to come", "hedge", "Lima cut copper duties on Canada.", False),
    ("still to come", "hedge", "Lima set a 5% copper duty on Canada.", False),
    # a detail not (yet) spelled out, or given without a word on it
    (
        "not spelled out",
        "withheld",
        "Lima has yet to spell out which copper grades the duty covers.",
        True,
    ),
    (
        "not spelled out",
        "withheld",
        "Lima approved copper cargoes without any word on their buyers.",
        True,
    ),
    ("not spelled out", "withheld", "Lima spelled out which copper grades the duty covers.", False),
    # an unnamed official who hints or suggests is an unnamed source
    (
        "unnamed hints",
        "anonymous",
        "Lima may cut copper duties on Canada, an official hinted.",
        True,
    ),
    (
        "unnamed hints",
        "anonymous",
        "A trade official in Lima suggested copper duties on Canada may fall.",
        True,
    ),
    (
        "unnamed hints",
        "anonymous",
        "Lima may cut copper duties on Canada, the trade minister hinted.",
        False,
    ),
    (
        "unnamed hints",
        "anonymous",
        "Lima will cut copper duties on Canada, an official said.",
        True,
    ),
    (
        "unnamed hints",
        "anonymous",
        "Duties stay, said Ana Ruiz, a former copper negotiator.",
        False,
    ),
    # the noun "signal": a move read as one, no hedged wording; the verb still hedges
    (
        "signal noun",
        "hedge",
        "The copper waiver for Peru was seen as a conciliatory signal.",
        False,
    ),
    ("signal noun", "hedge", "Lima signalled it would cut copper duties on Canada.", True),
    ("signal noun", "hedge", "Lima signals that copper duties on Canada will fall.", True),
    # how a measure will be checked, left unsaid: no enforcement
    (
        "check unsaid",
        "enforcement",
        "The copper pact with Peru is silent on how origin will be audited.",
        False,
    ),
    (
        "check unsaid",
        "enforcement",
        "Lima did not say how the copper quota would be enforced.",
        False,
    ),
    (
        "check unsaid",
        "enforcement",
        "Lima did not say which copper cargoes failed the audits.",
        True,
    ),
    ("check unsaid", "enforcement", "Customs will audit every copper cargo from Peru.", True),
    # the month an idea was put forward dates no move
    (
        "idea dated",
        "date",
        "A copper price floor for Peru was first floated in May by miners.",
        False,
    ),
    (
        "idea dated",
        "date",
        "Lima floated in May a copper duty on Canada that starts in July.",
        True,
    ),
    # a trade flow moving against a move in the background is a statistic: no destination
    (
        "flow",
        "destination",
        "Copper orders from Peru rose sharply ahead of the expected curbs.",
        False,
    ),
    (
        "flow",
        "destination",
        "Copper exports to Peru fell 20% after the tariffs took effect.",
        False,
    ),
    ("flow", "date", "Copper exports to Peru fell 20% after the tariffs took effect in May.", True),
    ("flow", "destination", "Lima cut copper duties on Peru, and exports rose 20%.", True),
    # a bare "pending" is a wait, not a condition; a measure suspended pending an outcome is one
    (
        "pending",
        "condition",
        "Customs detained 40 copper cargoes from Peru pending proof of origin.",
        False,
    ),
    (
        "pending",
        "condition",
        "Trading in the Lima copper miner was halted on Monday pending news.",
        False,
    ),
    (
        "pending",
        "condition",
        "Duties on Peruvian copper were suspended pending a WTO ruling.",
        True,
    ),
]


@pytest.mark.parametrize(("category", "element", "text", "expected"), CASES)
def test_element_is_read_only_as_scoring_defines_it(  # type: ignore[no-untyped-def]
    score, category: str, element: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))[element] is expected, (category, text)


def test_unbound_wording_still_lowers_clarity(score) -> None:  # type: ignore[no-untyped-def]
    """A framework without text is no hedge, but it keeps the move a signal: it still costs
    clarity points."""
    notes = {e.note for e in score("Ottawa and Lima agreed a framework on copper quotas.").evidence}
    assert "signal wording, nothing bound" in notes


UNTIL: list[tuple[str, bool]] = [
    # a move that holds until a date lapses on it, also in an item without a publication date to
    # give the date its year
    ("Lima suspended copper duties on Peru until December 31.", True),
    ("Copper duties on Peru stay at 5% until April 2.", True),
    ("Lima suspended copper duties on Peru on December 31.", False),
    ("Copper talks with Peru continue until Friday.", False),
]


@pytest.mark.parametrize(("text", "expected"), UNTIL)
def test_a_move_until_a_date_is_reversible_without_a_year(score, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text, published=None))["reversible"] is expected, text


CHARGED: list[tuple[str, bool]] = [
    # those charged named between the verb and the offence: a prosecution; a fee charged is none
    ("Lima charged three copper traders with fraud over exports to Peru.", True),
    ("Regulators in Lima charged a group of copper brokers with fraud.", True),
    ("Lima charged a 5% fee on copper from Peru.", False),
    ("Lima charged Peruvian copper buyers higher port fees.", False),
]


@pytest.mark.parametrize(("text", "expected"), CHARGED)
def test_those_charged_with_an_offence_are_enforcement(score, text: str, expected: bool) -> None:  # type: ignore[no-untyped-def]
    assert read_elements(score(text))["enforcement"] is expected, text

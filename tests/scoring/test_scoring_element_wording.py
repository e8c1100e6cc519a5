"""Element readings by category of wording, written from the element definitions (SCORING.md §3):
unnamed groups that report, claims passed on, details left for later or unexplained, conditions
in other words and time limits that are none, moves that reach a chosen few or are dressed up,
licences a trader must hold, violations charged and goods held, permanence stated by negation,
named bodies acting in their own name, and "rule" as a verb. Each category is read in sentences of
its own, with a look-alike that must not be read; so are events left open, which lower the
factor on clarity and not the hedged flag (docs/scoring.md, "Wording a desk meets: element readers
and events left open")."""

from __future__ import annotations

import pytest

from bot.domain.element_eval import read_elements

CASES: list[tuple[str, str, str, bool]] = [
    # (category, element, sentence, read?)
    # unnamed people as a group that reports or judges, before or after the verb
    (
        "group",
        "anonymous",
        "Port officials in Busan said the steel quota was nearly used up.",
        True,
    ),
    (
        "group",
        "anonymous",
        "Critics argue the Korean rice quota changes nothing for farmers.",
        True,
    ),
    ("group", "anonymous", "The cobalt levy will double next year, said two negotiators.", True),
    ("group", "anonymous", "Grain traders say Seoul has stopped buying Canadian wheat.", True),
    (
        "group",
        "anonymous",
        "Port officials in Busan declined to say how much steel was held.",
        False,
    ),
    (
        "group",
        "anonymous",
        "Analysts at Nomura said the cobalt levy would double next year.",
        False,
    ),
    ("group", "anonymous", "Seoul said exporters must register cobalt shipments monthly.", False),
    # a claim passed on without its source: hedged and anonymous at once
    ("hearsay", "anonymous", "Ankara is said to be drafting a levy on Chinese cars.", True),
    ("hearsay", "hedge", "Ankara is said to be drafting a levy on Chinese cars.", True),
    ("hearsay", "hedge", "Seoul is believed to be readying curbs on cobalt exports.", True),
    ("hearsay", "anonymous", "Ankara said the levy on Chinese cars takes effect in May.", False),
    # a detail left for later, unexplained, unknown or absent
    ("left open", "withheld", "The quota for Thai rice will be set at a later date.", True),
    ("left open", "withheld", "The duty rate on cobalt has yet to be set.", True),
    ("left open", "withheld", "Officials did not explain how the cobalt checks would work.", True),
    (
        "left open",
        "withheld",
        "Seoul promised waivers to steel makers, but the number is unclear.",
        True,
    ),
    ("left open", "withheld", "Ottawa offered no list of the steel products covered.", True),
    (
        "left open",
        "withheld",
        "Nothing was withheld from the list Ottawa published on steel.",
        False,
    ),
    ("left open", "withheld", "The firm paid a withholding tax on its Korean dividends.", False),
    # conditions in other words; a time limit is no condition
    ("hangs on", "condition", "Any cut in rice duties depends on Tokyo opening its market.", True),
    ("hangs on", "condition", "The waiver would be tied to purchases of US grain.", True),
    ("hangs on", "condition", "Tariffs fall to 10% only once the pipeline deal is signed.", True),
    ("hangs on", "condition", "Seoul will cut steel duties provided Ankara drops its levy.", True),
    (
        "hangs on",
        "condition",
        "Ottawa keeps its tariffs ready to reimpose should Seoul break the quota.",
        True,
    ),
    ("hangs on", "condition", "Ottawa provided Reuters with the list of covered steel.", False),
    ("hangs on", "condition", "Depending on whom you ask, the cobalt talks went well.", False),
    ("time limit", "condition", "The cobalt export licence is valid only for 60 days.", False),
    ("time limit", "reversible", "The cobalt export licence is valid only for 60 days.", True),
    # a move that reaches a chosen few, or is presented as more than it is
    ("few", "symbolic", "Seoul granted licences to a select group of Chinese buyers.", True),
    ("few", "symbolic", "The waiver went to a lone Thai rice exporter.", True),
    ("few", "symbolic", "The cut was billed as a sweeping reform of cobalt duties.", True),
    ("few", "symbolic", "A handful of protesters waited outside the trade ministry.", False),
    ("few", "symbolic", "Selective breeding has raised Korean rice yields.", False),
    # a licence a trader must hold, an annex, a named instrument of the bloc
    (
        "licence",
        "instrument",
        "Exporters must hold a licence before shipping cobalt to Turkey.",
        True,
    ),
    ("licence", "instrument", "The duty rates are listed in a 90-page annex.", True),
    ("licence", "instrument", "Exporters hold talks with Seoul on cobalt prices.", False),
    ("licence", "instrument", "Seoul has few instruments left to answer the steel levy.", False),
    # violations investigated, charged and fined, goods held, compliance reviewed
    ("pursued", "enforcement", "Prosecutors charged a broker with shipping drones to Iran.", True),
    ("pursued", "enforcement", "Ankara said it would fine any firm that breaks the quota.", True),
    ("pursued", "enforcement", "Customs said it detained 400 shipments of Thai rice.", True),
    ("pursued", "enforcement", "The Seoul Treasury is monitoring the yuan after the vote.", False),
    ("pursued", "enforcement", "The steel maker published its annual report on Friday.", False),
    # permanence stated by negation; a pause that is no relief
    ("negated", "reversible", "The ban on cobalt exports will not be lifted, Seoul said.", False),
    ("negated", "reversible", "The steel quota was not framed as temporary.", False),
    ("negated", "reversible", "The steel quota will be lifted once prices recover.", True),
    ("negated", "reversible", "Temporary housing for port workers in Busan is scarce.", False),
    # a suspension for a period, its relief weakly named
    (
        "period",
        "reversible",
        "Ottawa suspended its surtax on Korean steel for six months from 1 May.",
        True,
    ),
    # "rule" as a verb is no instrument
    ("verb", "instrument", "The minister refused to rule out higher steel duties.", False),
    ("verb", "hedge", "The minister refused to rule out higher steel duties.", True),
    ("verb", "instrument", "The trade court will rule on the steel duties next week.", False),
    ("verb", "instrument", "The final rule on steel duties takes effect next week.", True),
    # a named body acting in its own name; a body in lower case or described is none
    ("body", "on_record", "The European Commission suspended its duties on Turkish steel.", True),
    ("body", "on_record", "The Korean Treasury reported $2 billion in steel duties for May.", True),
    ("body", "on_record", "A trade office reopened in Busan after the cobalt talks.", False),
    # a paper or a chamber is no deciding authority; a passive announcement names no one
    ("no authority", "on_record", "The Korea Chamber said the steel quota was too tight.", False),
    ("no authority", "on_record", "Steel duties were announced with fanfare in Seoul.", False),
]


MORE: list[tuple[str, str, str, bool]] = [
    # a pause by another name, a relief held to an end or deferred, duties that return
    ("held", "reversible", "A moratorium on new cobalt licences runs through June.", True),
    ("held", "reversible", "The steel levy increase was deferred until March.", True),
    ("held", "reversible", "Steel duties will return to 30% in July.", True),
    ("held", "reversible", "The Korean delegation will return to Ankara next month.", False),
    # a condition on a name after "once", "in case", "so long as"
    ("opens", "condition", "Cobalt duties will fall once Ankara signs the deal.", True),
    ("opens", "condition", "In case talks fail, cobalt duties rise to 20%.", True),
    ("opens", "condition", "Licences will be granted so long as the buyers are civilian.", True),
    ("opens", "condition", "Huawei, once Korea's top phone seller, cut its prices.", False),
    ("opens", "condition", "In the case of cobalt, duties rise to 20% on Monday.", False),
    # rules issued, a pact signed or inked, a law amended
    ("issued", "instrument", "The cabinet issued rules requiring permits for cobalt.", True),
    ("issued", "instrument", "The steel pact was signed in Ankara on Friday.", True),
    ("issued", "instrument", "Seoul inked a cobalt pact with Ankara.", True),
    ("issued", "instrument", "The cabinet approved an amendment to the customs law.", True),
    ("issued", "instrument", "The cabinet rules out a levy on cobalt.", False),
    # a measure notified, a listing on the entity list; a list named in a condition is what the
    # move waits on, not its instrument
    ("listed", "instrument", "The finance ministry notified a 10% duty on cobalt exports.", True),
    ("listed", "instrument", "Ankara removed two Korean firms from the Entity List.", True),
    (
        "listed",
        "instrument",
        "Seoul will cut cobalt duties on condition that Ankara removes its firms from the Entity"
        " List.",
        False,
    ),
    # goods inspected or impounded, licences revoked
    ("checked", "enforcement", "Customs officers will inspect every cobalt shipment.", True),
    ("checked", "enforcement", "The ministry revoked the licences of two cobalt traders.", True),
    ("checked", "enforcement", "Port police impounded a ship carrying Korean cobalt.", True),
    ("checked", "enforcement", "The minister inspected the honour guard in Ankara.", False),
    # a detail unknown or not given
    ("not given", "withheld", "It remains unknown which firms the cobalt levy covers.", True),
    ("not given", "withheld", "No date was given for the new steel quota.", True),
    ("not given", "withheld", "The date of the new steel quota is 1 June.", False),
    # a move kept narrow or made for selected recipients
    ("narrow", "symbolic", "The waiver covers only a narrow list of Korean goods.", True),
    ("narrow", "symbolic", "Seoul relaxed controls for selected Turkish buyers.", True),
    ("narrow", "symbolic", "Ankara selected Busan as its new cobalt hub.", False),
]


@pytest.mark.parametrize(("category", "element", "text", "expected"), [*CASES, *MORE])
def test_element_wording_is_read_and_its_look_alike_is_not(  # type: ignore[no-untyped-def]
    score, category: str, element: str, text: str, expected: bool
) -> None:
    assert read_elements(score(text))[element] is expected, (category, text)


def test_the_parties_of_a_meeting_are_no_quantity(score) -> None:  # type: ignore[no-untyped-def]
    read = read_elements(score("The two teams met in Ankara to discuss cobalt tariffs."))
    assert read["quantity"] is False
    assert (
        read_elements(score("Ankara put tariffs on two Korean steel makers."))["quantity"] is True
    )


OPEN: list[tuple[str, str]] = [
    # (an event left open, the same event stated as done): the first rates lower, neither is
    # hedged by the flag
    (
        "The minister refused to rule out a levy on Korean steel.",
        "The minister imposed a levy on Korean steel.",
    ),
    ("The broker is accused of shipping drones to Iran.", "The broker shipped drones to Iran."),
    (
        "The cobalt deal still needs approval from the cabinet.",
        "The cabinet approved the cobalt deal.",
    ),
    (
        "Shares fell after reports that Seoul capped steel imports.",
        "Shares fell after Seoul capped steel imports.",
    ),
    ("The council is due to vote on the steel levy.", "The council voted for the steel levy."),
    ("The two sides agreed to meet again in Ankara.", "The two sides met again in Ankara."),
]


@pytest.mark.parametrize(("open_text", "done_text"), OPEN)
def test_an_event_left_open_rates_below_the_event_done(  # type: ignore[no-untyped-def]
    score, open_text: str, done_text: str
) -> None:
    left, done = score(open_text), score(done_text)
    assert left.clarity < done.clarity, (open_text, left.clarity, done.clarity)
    assert left.hedged is False  # the factor on clarity reads it, the hedged flag does not


def test_a_named_source_reporting_leaves_nothing_open(score) -> None:  # type: ignore[no-untyped-def]
    # "reports" as a verb with its source named is no report passed on
    named = score("The ministry reports that steel imports fell.")
    plain = score("The ministry noted that steel imports fell.")
    assert named.clarity == plain.clarity
    # "due to" a cause, not a schedule
    cause = score("The steel levy was lifted due to weak demand.")
    assert cause.clarity >= score("The steel levy was lifted.").clarity - 5

"""Direction categories of refusal and prohibition: a de-escalating move refused by a predicate
after it, aid or cooperation prohibited, event words inside a body's name, exercises held with a
partner, petitions, the weapons of mass destruction named together, denials and verbal defence."""

from __future__ import annotations

import pytest

from bot.domain.models import Label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # a move refused by what follows it in its clause reads negated
        (
            "Officials said lifting the embargo on the island is out of the question.",
            Label.ESCALATION,
        ),
        (
            "The minister said easing sanctions on the regime was not on the table.",
            Label.ESCALATION,
        ),
        ("A return to talks with the rebels was ruled out by the president.", Label.ESCALATION),
        (
            "Diplomats said a ceasefire was unthinkable while the shelling went on.",
            Label.ESCALATION,
        ),
        # refusing an escalation is the other way round
        (
            "Officials said new sanctions on the regime were out of the question.",
            Label.DEESCALATION,
        ),
        # look-alike: no refusal
        (
            "Officials said lifting the embargo on the island would be discussed.",
            Label.DEESCALATION,
        ),
    ],
)
def test_refused_moves(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


def test_a_refused_move_is_noted_in_evidence(read) -> None:  # type: ignore[no-untyped-def]
    a = read("Easing the blockade is out of the question, the ministry said.")
    assert any("refused" in e.note for e in a.evidence)


def test_a_refusal_reaches_no_move_in_another_clause(read) -> None:  # type: ignore[no-untyped-def]
    a = read("The embargo was lifted in May, but a trade deal is out of the question.")
    notes = {e.cue: e.note for e in a.evidence if e.kind in ("escalation", "de-escalation")}
    assert notes["embargo … lifted"] == "down restriction"
    assert "refused" in notes["trade deal"]


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # a prohibition lowers what it acts on: aid, cooperation, trade
        ("The United States will prohibit all assistance to the rebel group.", Label.ESCALATION),
        ("The council forbade any cooperation with the militia.", Label.ESCALATION),
        ("The decree prohibits imports from the breakaway region.", Label.ESCALATION),
        ("Parliament voted to prohibit military cooperation with its neighbour.", Label.ESCALATION),
        # an offer or invitation declined is a rejection
        ("Seoul declined the offer of assistance from the mission.", Label.ESCALATION),
        # lifting a prohibition still de-escalates
        ("The government lifted its prohibition on imports of beef.", Label.DEESCALATION),
    ],
)
def test_prohibitions(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # event words capitalised before a body's last name word name the body
        (
            "The Joint Ceasefire Monitoring Committee opened an inquiry into the shelling.",
            Label.ESCALATION,
        ),
        ("The Peace Council said it would investigate the killings.", Label.ESCALATION),
        # the same words in running text, and a headline in title case, still count
        ("The two sides signed a ceasefire before the committee met.", Label.DEESCALATION),
        ("Rebels Sign Ceasefire With Government Council", Label.DEESCALATION),
    ],
)
def test_event_words_in_a_body_name(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # exercises held with a partner are military cooperation; staged alone, a show of force
        ("Britain held naval exercises with the Omani navy in the Gulf.", Label.DEESCALATION),
        ("The North staged military exercises near the border.", Label.ESCALATION),
        # a petition is an appeal
        ("Farmers' groups submitted petitions to the trade minister.", Label.DEESCALATION),
        # biological weapons named beside chemical ones
        (
            "The group boasted of making chemical and biological weapons for use abroad.",
            Label.ESCALATION,
        ),
    ],
)
def test_cooperation_appeal_and_weapon_words(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # a denial is a statement even with a day between verb and object: what it denies is
        # reported, not done
        (
            "The ministry denied on Tuesday reports that its troops had shelled the village.",
            Label.NEUTRAL,
        ),
        # a denial of entry or access is still a rejection
        ("The government denied entry to the visiting delegation.", Label.ESCALATION),
    ],
)
def test_denials(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # defending another's right, a deal or an ally is verbal support
        (
            "The minister defended the right of the neighbouring state to hold elections.",
            Label.DEESCALATION,
        ),
        ("Washington defended the deal with Tehran against its critics.", Label.DEESCALATION),
        # defending a border is a force posture
        ("The army vowed to defend the border against any incursion.", Label.ESCALATION),
    ],
)
def test_defending_verbally(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # what a state will not tolerate is a warning; what it tolerates, a concession
        ("The ministry said it would not tolerate foreign interference.", Label.ESCALATION),
        ("The authorities tolerated a small rally outside the consulate.", Label.DEESCALATION),
        # a request denied is a rejection
        ("The government denied a request for talks from the rebels.", Label.ESCALATION),
        # ambassadors exchanged and credit extended are cooperation
        ("The two states exchanged ambassadors after a decade of silence.", Label.DEESCALATION),
        ("The central bank extended emergency credit to its neighbour.", Label.DEESCALATION),
    ],
)
def test_tolerance_requests_and_cooperation_words(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # an objection, complaint or veto withdrawn is a concession; raised, a disapproval
        (
            "The government withdrew its objection to the neighbour's membership bid.",
            Label.DEESCALATION,
        ),
        ("Tokyo dropped its complaint against Seoul at the trade body.", Label.DEESCALATION),
        ("The ministry raised objections to the pipeline project.", Label.ESCALATION),
        # abiding by a ruling is compliance
        ("The leader said his country would abide by the court's ruling.", Label.DEESCALATION),
    ],
)
def test_objections_withdrawn_and_compliance(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # talks or a truce that collapse, stall or break down are undone
        ("Talks between Ottawa and Washington on a lumber pact collapsed.", Label.ESCALATION),
        ("The truce broke down within hours.", Label.ESCALATION),
        ("Negotiations on the border dispute have stalled.", Label.ESCALATION),
        # a flow that collapses is a statistic, no move
        ("Japan's exports collapsed in March.", Label.NEUTRAL),
    ],
)
def test_moves_undone_by_what_follows(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


def test_faulting_a_state_is_disapproval(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The commerce secretary faulted South Korea for keeping barriers to insurers.")
    assert a.label is Label.ESCALATION
    assert a.relevant

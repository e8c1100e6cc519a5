"""Direction rules: material vs verbal, negation, modality, tense, reversal, composition."""

from __future__ import annotations

import pytest

from bot.domain.models import Label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Washington imposed a 25% tariff on imported Chinese steel.", Label.ESCALATION),
        (
            "The United States lifted sanctions on two Chinese logistics companies.",
            Label.DEESCALATION,
        ),
        ("Brussels suspended trade negotiations with Beijing over subsidies.", Label.ESCALATION),
        ("Tokyo suspended its planned duties on Korean batteries.", Label.DEESCALATION),
        ("Ottawa resumed talks with Washington on lumber.", Label.DEESCALATION),
        ("Seoul reversed its ban on chip equipment sales to Hanoi.", Label.DEESCALATION),
        ("Canberra criticised Beijing for blocking barley shipments.", Label.ESCALATION),
        ("The ministry opened an investigation into imported polysilicon.", Label.ESCALATION),
        ("The two governments signed a trade agreement in Jakarta.", Label.DEESCALATION),
        ("Beijing urged Washington to return to negotiations.", Label.DEESCALATION),
        ("Mexico offered to mediate between the two trading partners.", Label.DEESCALATION),
        ("Thousands of farmers protested outside the parliament in Paris.", Label.ESCALATION),
        # a new licensing requirement restricts; granting licences cooperates
        ("Beijing will require export licences for antimony from next month.", Label.ESCALATION),
        ("Washington granted export licences for two chip tool makers.", Label.DEESCALATION),
        # fees are a restriction: suspending them eases, charging them tightens
        ("Washington suspended its port fees on Chinese-built vessels.", Label.DEESCALATION),
        # firing missiles is a force move even with words between verb and object
        ("Pyongyang fired three short-range ballistic missiles into the sea.", Label.ESCALATION),
        ("Indian and Chinese troops completed disengagement at the border.", Label.DEESCALATION),
        # "the war" named as a period is no new fighting
        (
            "Kyiv and Moscow swapped prisoners in the biggest exchange of the war.",
            Label.DEESCALATION,
        ),
        ("Officials marked the anniversary of the war with a memorial service.", Label.NEUTRAL),
        ("Armenia warned it would go to war if the border was crossed.", Label.ESCALATION),
    ],
)
def test_event_categories(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # names and figures of speech made of event words report no event ...
        ("Amnesty International accused the junta of torturing detainees.", Label.ESCALATION),
        ("The party renewed its fight against corruption with new rules on gifts.", Label.NEUTRAL),
        ("The minister toured farms in the occupied territories on Monday.", Label.NEUTRAL),
        # ... while the same words as events still count
        ("The president granted an amnesty to 200 political prisoners.", Label.DEESCALATION),
        ("Rebel fighters occupied the airport and two border posts.", Label.ESCALATION),
    ],
)
def test_names_made_of_event_words(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("Beijing agreed to slash tariffs on American farm goods.", Label.DEESCALATION),
        ("The former defence minister was charged with bribery.", Label.ESCALATION),
        ("Coalition warplanes struck militia positions overnight.", Label.ESCALATION),
        ("The two sides struck a deal on fishing rights.", Label.DEESCALATION),
        ("The EU backed the plan for a ceasefire monitoring mission.", Label.DEESCALATION),
        # "backed" as a modifier is no support
        ("Iran-backed militias attacked a coalition base in Syria.", Label.ESCALATION),
        ("Ban Ki-moon praised Ghana for holding a peaceful election.", Label.DEESCALATION),
    ],
)
def test_verbs_and_their_look_alikes(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


@pytest.mark.parametrize(
    ("text", "label"),
    [
        # an agreement to escalate is an escalation; a refusal to yield stays one
        ("EU leaders agreed to extend sanctions on Russia for six months.", Label.ESCALATION),
        ("The minister declined to resign despite mounting pressure.", Label.ESCALATION),
        # friction is an object: ending a dispute de-escalates
        ("Canberra and Beijing moved to end their barley dispute.", Label.DEESCALATION),
        # "threatened" is a verb, not the object of "close"
        ("The commander threatened to close the strait to tankers.", Label.ESCALATION),
        # a participle describing a noun is no event; the displeasure is
        ("Tokyo voiced displeasure over patrols near the disputed islands.", Label.ESCALATION),
        ("The seized cargo was worth about $2 million, officials said.", Label.NEUTRAL),
        ("A court convicted the opposition leader of treason.", Label.ESCALATION),
        # a question frame and economic pressure are no events
        ("Asked about the seized cargo, a spokesman said he had nothing to add.", Label.NEUTRAL),
        ("The central bank said inflationary pressures remained contained.", Label.NEUTRAL),
        # joint exercises are military cooperation
        (
            "Indian and Japanese warships held a joint exercise in the Bay of Bengal.",
            Label.DEESCALATION,
        ),
    ],
)
def test_complements_objects_and_frames(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text).label is label


def test_close_to_is_near_not_a_closure(read) -> None:  # type: ignore[no-untyped-def]
    a = read("Two bombers flew close to the island's air defence zone.")
    assert a.label is not Label.DEESCALATION
    assert not any(e.kind == "de-escalation" for e in a.evidence)


def test_material_outweighs_verbal(read) -> None:  # type: ignore[no-untyped-def]
    material = read("Beijing retaliated with duties on American pork.")
    verbal = read("Beijing vowed to retaliate against the new duties on its pork.")
    assert material.label is Label.ESCALATION
    assert verbal.label is Label.ESCALATION
    bare_material = read("Beijing imposed duties on American pork.")
    bare_intent = read("Beijing said it would impose duties on American pork.")
    assert bare_material.escalation > bare_intent.escalation > 0


def test_negation_cancels_a_lift(read) -> None:  # type: ignore[no-untyped-def]
    lifted = read("Washington lifted its tariffs on Chinese steel.")
    not_lifted = read("Washington did not lift its tariffs on Chinese steel.")
    assert lifted.label is Label.DEESCALATION
    assert not_lifted.label is not Label.DEESCALATION
    assert not_lifted.escalation > lifted.escalation


def test_no_plans_to_impose_is_not_escalation(read) -> None:  # type: ignore[no-untyped-def]
    a = read("The commerce ministry said it has no plans to impose export curbs on graphite.")
    assert a.label is not Label.ESCALATION
    b = read("The commerce ministry said it will impose export curbs on graphite.")
    assert b.label is Label.ESCALATION


def test_negation_is_noted_in_evidence(read) -> None:  # type: ignore[no-untyped-def]
    a = read("Ottawa did not lift its tariffs on Chinese electric vehicles.")
    assert any("negated" in e.note for e in a.evidence)


def test_background_clause_counts_less(read) -> None:  # type: ignore[no-untyped-def]
    a = read("The two ministers met in Rome after weeks of angry exchanges over tariffs.")
    assert a.label is Label.DEESCALATION


def test_mixed_when_strong_cues_pull_both_ways(read) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Washington and Beijing resumed trade talks in London and agreed a framework on rare earths. "
        "Separately, Washington threatened to impose sweeping new tariffs and added 40 firms to "
        "the entity list."
    )
    assert read(text).label is Label.MIXED


@pytest.mark.parametrize(
    "text",
    [
        "Seoul resumed talks with Tokyo but threatened new duties on steel.",
        "China agreed to resume soybean purchases, while warning it would retaliate against any "
        "new tariffs.",
        "Washington extended the tariff truce by 90 days while threatening new chip controls.",
    ],
)
def test_one_sentence_is_mixed_when_its_main_clauses_pull_both_ways(read, text: str) -> None:  # type: ignore[no-untyped-def]
    # a thaw layered with a threat, in coordinate clauses
    assert read(text).label is Label.MIXED


def test_subordinate_move_does_not_make_a_sentence_mixed(read) -> None:  # type: ignore[no-untyped-def]
    a = read("Despite appeals from exporters, the ministry is refusing to lift its ban on magnets.")
    assert a.label is Label.ESCALATION


def test_background_clause_leaves_the_main_event_to_come(read) -> None:  # type: ignore[no-untyped-def]
    a = read("While talks continue, Washington imposed new tariffs on Chinese steel.")
    assert a.label is Label.ESCALATION
    imposed = next(e for e in a.evidence if e.cue.startswith("imposed"))
    assert "secondary" not in imposed.note


def test_neutral_statement(read) -> None:  # type: ignore[no-untyped-def]
    assert read("The minister said the weather in Geneva was pleasant.").label is Label.NEUTRAL


def test_score_sign_and_range(read) -> None:  # type: ignore[no-untyped-def]
    esc = read("Beijing halted rare-earth exports and imposed 50% tariffs on US farm goods.")
    de = read("Beijing lifted its export ban on gallium and eased curbs on graphite.")
    assert 0 < esc.escalation <= 10
    assert -10 <= de.escalation < 0


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("US Slaps Tariffs On Chinese Steel", Label.ESCALATION),
        ("China Hits Back With Tariffs On US Farm Goods", Label.ESCALATION),
        ("India Snubs US Trade Talks Invite", Label.ESCALATION),
        ("Seoul Lifts Curbs On Japanese Seafood", Label.DEESCALATION),
        ("US, China Agree To Extend Tariff Truce", Label.DEESCALATION),
    ],
)
def test_headline_style(read, text: str, label: Label) -> None:  # type: ignore[no-untyped-def]
    assert read(text, title=text).label is label


def test_title_case_may_is_a_modal_and_a_month_only_with_a_date(score) -> None:  # type: ignore[no-untyped-def]
    modal = score("China May Ban Rare Earth Exports To Japan")
    enacted = score("China Bans Rare Earth Exports To Japan")
    assert modal.hedged
    assert 0 < modal.escalation < enacted.escalation
    assert not score("Tariffs Take Effect May 1 After Talks Fail").hedged


def test_headline_future_is_a_plan(score) -> None:  # type: ignore[no-untyped-def]
    plan = score("US To Impose Tariffs On Canadian Lumber")
    done = score("US Imposes Tariffs On Canadian Lumber")
    assert plan.hedged
    assert not done.hedged
    assert 0 < plan.escalation < done.escalation


def test_headline_verbs_of_consideration_hedge(score) -> None:  # type: ignore[no-untyped-def]
    assert score("Japan Eyes Export Curbs On Chip Equipment").hedged
    assert score("EU Mulls Sanctions On Russian LNG").hedged

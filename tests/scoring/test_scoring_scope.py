"""Relevance as a judged scope: interstate and policy moves in, everything else out with a reason."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.cli_eval import RELEVANCE_LABELS, run
from bot.domain.evaluation import Metrics, compute, false_alarm_rate
from bot.domain.models import Label
from bot.domain.scoring import RuleScorer


@pytest.mark.parametrize(
    "text",
    [
        "China imposed 25% tariffs on US soybeans.",
        "Canada will restrict steel imports from next month.",
        "Germany and France agreed to coordinate their response.",
        "The commerce secretary said chip export controls would stay in place.",
    ],
)
def test_interstate_and_policy_moves_are_in_scope(score, text: str) -> None:  # type: ignore[no-untyped-def]
    a = score(text)
    assert a.relevant
    assert a.relevance >= 0.5
    assert a.out_of_scope == ""
    notes = {e.note for e in a.evidence if e.kind == "relevance"}
    assert notes & {"policy lever", "move between states", "state move on a sector"}


@pytest.mark.parametrize(
    ("title", "text", "reason"),
    [
        ("Acme Australia Ltd first half net profit up 12 pct",
         "Acme Australia Ltd said net profit rose to 40 mln dlrs and it raised its dividend.",
         "company results"),
        ("Swedish mining group to acquire US drill maker",
         "A Swedish mining group agreed to acquire a US drill maker in a takeover worth 90 mln dlrs.",
         "company deal"),
        ("Police arrest suspect in Ohio murder",
         "Police arrested a man on Tuesday in connection with the murder of a shopkeeper.",
         "domestic crime"),
        ("Film premiere draws crowds in Paris",
         "The French film premiere drew a crowd of actors and fans to the festival.",
         "entertainment"),
    ],
)  # fmt: skip
def test_out_of_scope_items_say_why(score, title: str, text: str, reason: str) -> None:  # type: ignore[no-untyped-def]
    a = score(text, title=title)
    assert not a.relevant
    assert a.out_of_scope == f"no interstate or policy move: {reason}"
    assert a.label is Label.NEUTRAL
    assert a.escalation == 0.0
    assert a.reading is not None


def test_a_country_inside_a_company_name_is_no_state(score) -> None:  # type: ignore[no-untyped-def]
    a = score("U.S. Telecommunications Inc said third quarter net fell.")
    assert "US" not in a.actors
    assert not a.relevant
    assert "AU" not in score("Shares of <Ariadne Australia Ltd> fell.").actors


def test_out_of_scope_keeps_its_direction_reading(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Rebels attacked a police station in the north, killing three officers.")
    assert not a.relevant
    assert a.label is Label.NEUTRAL
    assert a.escalation == 0.0
    assert a.reading is not None
    assert a.reading.label is Label.ESCALATION
    assert a.reading.escalation > 0


def test_the_heading_actor_carries_into_the_lead(score) -> None:  # type: ignore[no-untyped-def]
    a = score(
        "The committee approved the trade bill by 20 votes to 3. The vote came late on Tuesday.",
        title="US House panel backs trade measure",
    )
    assert a.relevant


@pytest.mark.parametrize(
    ("text", "look_alike"),
    [
        # states named as a group are a second state beside a named one
        ("Washington warned its trading partners that it would act against their surpluses.",
         "Washington warned that its budget deficit would grow next year."),
        ("The U.S. Treasury urged surplus countries to stimulate domestic demand.",
         "The U.S. Treasury urged banks to lend more to small businesses."),
    ],
)  # fmt: skip
def test_states_named_as_a_group_count_as_a_second_state(  # type: ignore[no-untyped-def]
    score, text: str, look_alike: str
) -> None:
    a = score(text)
    assert a.relevant
    assert "move between states" in {e.note for e in a.evidence if e.kind == "relevance"}
    assert not score(look_alike).relevant


@pytest.mark.parametrize(
    "text",
    [
        "Tokyo pledged to open its markets to American beef and citrus.",
        "Seoul said the insurance sector would remain closed to foreign companies.",
        "MITI approved an export cartel that caps shipments of ball bearings.",
        "A Senate bill would deny licences to banks from countries that refuse reciprocity.",
    ],
)
def test_market_access_and_export_restraint_are_levers(score, text: str) -> None:  # type: ignore[no-untyped-def]
    a = score(text)
    assert a.relevant
    assert "policy lever" in {e.note for e in a.evidence if e.kind == "relevance"}


def test_wire_abbreviations_name_states(score) -> None:  # type: ignore[no-untyped-def]
    assert "KR" in score("S.Korea to cut tariffs on farm goods.").actors
    assert "KP" in score("N.Korea fired a missile toward Japan.").actors
    assert "DE" in score("W.German officials criticised the quota.").actors


def test_a_nationality_before_money_or_a_long_firm_phrase_is_no_state(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Acme Group agreed to buy the unit for 80 mln Australian dlrs.")
    assert "AU" not in a.actors
    assert not a.relevant
    b = score("A French ski and snowboard equipment maker agreed to buy a Canadian boot maker.")
    assert not {"FR", "CA"} & set(b.actors)
    assert not b.relevant
    # a state still acts when no firm noun follows its name, and a lower-case "of" ends the phrase
    assert score("Australia agreed to buy 20 fighter jets from France.").relevant
    assert "US" in score("The duties would cost American consumers billions of dollars.").actors
    # a conjunction ends the phrase before a firm noun further on
    assert (
        "VN" in score("The quota for Vietnamese shrimp applies only if exporters register.").actors
    )
    # a currency written before its amount is no noun the state describes
    assert "UA" in score("The talks covered Ukraine's dlrs 1.2 billion gas debt.").actors


def test_a_heading_that_names_a_person_takes_the_state_of_the_lead(score) -> None:  # type: ignore[no-untyped-def]
    lead = "Japan's farm minister Taro Sato spoke to reporters on Tuesday."
    assert score(lead, title="Sato threatens retaliation over beef quotas").relevant
    # a heading that names a company is no official's move
    assert not score(lead, title="Sato Industries threatens retaliation over beef quotas").relevant


def test_a_policy_verb_on_a_flow_counts_between_two_states(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The EC will monitor imports of Japanese cars for signs of diversion.")
    assert a.relevant
    assert "move between states" in {e.note for e in a.evidence if e.kind == "relevance"}
    # two states and a flow without a policy verb are a trade statistic
    assert not score("EC imports of Japanese cars rose 12 pct in March.").relevant


def test_capital_controls_are_a_lever(score) -> None:  # type: ignore[no-untyped-def]
    assert score("Taiwan will lift exchange controls on residents next month.").relevant


FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
EVAL_DIR = Path(__file__).resolve().parents[2].parent / "shared" / "eval"


def _relevance_metrics(scorer: RuleScorer, path: Path, half: str = "all") -> tuple[Metrics, str]:
    examples = run(path, "relevance", scorer, half=half)
    misses = "\n".join(
        f"{e.id} gold={e.gold}: {e.note} {e.text[:120]}" for e in examples if e.gold != e.predicted
    )
    return compute([(e.gold, e.predicted) for e in examples], RELEVANCE_LABELS), misses


def test_heldout_relevance_floor(scorer: RuleScorer) -> None:
    """240 items (headlines with a lead) by an author who saw neither the rules nor their data,
    120 hard negatives among the out-of-scope ones (a country in a name, deportations, utility
    rates, sports sanctions). Scored once when the rules were done: recall 0.908, precision 0.925,
    false-alarm rate 0.061; no rule was changed for them."""
    m, misses = _relevance_metrics(scorer, FIXTURES / "relevance_heldout.jsonl")
    assert m.per_class["relevant"].recall >= 0.88, misses
    assert m.per_class["relevant"].precision >= 0.90, misses
    assert false_alarm_rate(m, "relevant", "irrelevant") <= 0.08, misses


@pytest.mark.parametrize(("source", "floor"), [("news", 0.89), ("science", 0.88)])
def test_heldout_attribution_hedging_floor(scorer: RuleScorer, source: str, floor: float) -> None:
    """200 sentences with and without vague attribution by the same outside author, scored once:
    hedged-F1 0.914 (news) and 0.904 (science)."""
    examples = run(FIXTURES / "hedging_attribution_heldout.jsonl", "hedging", scorer)
    pairs = [(e.gold, e.predicted) for e in examples if e.source == source]
    assert compute(pairs, ("hedged", "certain")).per_class["hedged"].f1 >= floor


@pytest.mark.skipif(not EVAL_DIR.is_dir(), reason="shared eval sets not present at ../shared/eval")
@pytest.mark.parametrize("half", ["even", "odd"])
def test_reuters_false_alarms_stay_rare(scorer: RuleScorer, half: str) -> None:
    """Reuters-21578 company results and deals are out of scope (false-alarm rate 0.003 / 0.010
    on the halves); trade stories are read in scope except trade statistics and macroeconomic
    forecasts, which are out of scope by design (recall on the whole trade topic 0.751 / 0.815)."""
    m, misses = _relevance_metrics(scorer, EVAL_DIR / "relevance-dev.jsonl", half)
    assert false_alarm_rate(m, "relevant", "irrelevant") <= 0.015, misses
    assert m.per_class["relevant"].recall >= 0.72, misses

"""Relevance as a judged scope: interstate and policy moves in, everything else out with a reason."""

from __future__ import annotations

import pytest

from bot.domain.models import Label


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

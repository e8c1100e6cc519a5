"""How firmly a sentence states its event, by category of wording: a plan or purpose in the
infinitive weighs more than a bare future, an infinitive stated as done (or not done) or after a
preposition weighs nothing, an approximate quantity is no uncertain event, and an ability is a
possibility; a reward for information that may never come and a future negated in a contraction
leave their events open. Each table pairs a sentence with the same event in other words; each
category has a look-alike that must keep its reading. None of these touch the hedged flag."""

from __future__ import annotations

import pytest

from bot.domain.scoring.certainty import INFINITIVE_STRENGTH, certainty_factor
from bot.domain.scoring.lexicon import load

WILL = float(load("modality.toml")["hedge"]["cues"]["will"])


def test_a_plan_or_purpose_weighs_more_than_a_bare_future() -> None:
    # a future with "will" is often firmly scheduled; an event in the infinitive is a plan, an
    # offer or a purpose, not yet done, though still less than a modal ("may", 1.0)
    assert WILL < INFINITIVE_STRENGTH < 1.0
    assert certainty_factor(INFINITIVE_STRENGTH, False) < certainty_factor(WILL, False)


def test_a_purpose_rates_below_the_same_event_in_the_future(score) -> None:  # type: ignore[no-untyped-def]
    purpose = score("The cabinet met on Tuesday to approve the rice quota.")
    future = score("The cabinet will approve the rice quota on Tuesday.")
    assert not purpose.hedged
    assert purpose.clarity < future.clarity


SAME: list[tuple[str, str, str]] = [
    # (category, wording, the same event in plain words): each pair rates the same
    ("stated", "Rice exports continued to fall in the spring.", "Rice exports fell in the spring."),
    ("stated", "The ministry declined to comment on the quota.", "The ministry did not comment."),
    ("stated", "The two firms failed to agree on a price.", "The two firms did not agree."),
    ("stated", "The pilots managed to land the damaged plane.", "The pilots landed the plane."),
    ("stated", "The leak was found to be the cause of the fire.", "The leak caused the fire."),
    (
        "stated",
        "The rebate did little to change rice prices.",
        "The rebate did not change rice prices.",
    ),
    ("level", "The index fell 3% to close at 7,114.", "The index fell 3% and closed at 7,114."),
    ("level", "Copper rebounded to end higher.", "Copper rebounded and ended higher."),
    ("level", "Shares rose 4% to settle at 12 yen.", "Shares rose 4% and settled at 12 yen."),
    ("preposition", "Exports fell due to weak demand.", "Exports fell on weak demand."),
    ("preposition", "Sales rose 5% compared to last year.", "Sales rose 5% from last year."),
    ("approximate", "About 300 flights were cancelled.", "300 flights were cancelled."),
    ("approximate", "Nearly 5,000 workers lost their jobs.", "5,000 workers lost their jobs."),
    ("approximate", "Markets around the world fell.", "Markets worldwide fell."),
    ("approximate", "Traders were worried about the levy.", "Traders were worried by the levy."),
]


@pytest.mark.parametrize(("category", "wording", "plain"), SAME)
def test_wording_that_leaves_nothing_open(score, category: str, wording: str, plain: str) -> None:  # type: ignore[no-untyped-def]
    a, b = score(wording), score(plain)
    assert a.clarity == b.clarity, (category, wording, a.clarity, b.clarity)
    assert not a.hedged


LOWER: list[tuple[str, str, str]] = [
    # (category, a look-alike that still leaves its event open, the event done): the first
    # rates lower
    ("stated", "The two firms met to agree on a price.", "The two firms agreed on a price."),
    ("level", "The union walked out to end the lockout.", "The union ended the lockout."),
    ("level", "The council voted to close the port.", "The council closed the port."),
    ("preposition", "Exporters lobbied hard to ship more rice.", "Exporters shipped more rice."),
    ("approximate", "About 300 flights may be cancelled.", "About 300 flights were cancelled."),
    ("ability", "Exporters are now able to ship rice to Japan.", "Exporters ship rice to Japan."),
]


OPEN_MORE: list[tuple[str, str, str]] = [
    # (category, an event left open, a look-alike with the event done): the first rates lower,
    # the hedged flag reads neither
    (
        "reward",
        "Customs offered a reward for information leading to the smugglers' arrest.",
        "Customs paid a reward for information that led to the smugglers' arrest.",
    ),
    (
        "negated future",
        "The quota won't be set until the cabinet meets.",
        "The quota wasn't set until the cabinet met.",
    ),
]


@pytest.mark.parametrize(("category", "open_text", "done_text"), OPEN_MORE)
def test_events_left_open_in_other_words(
    score, category: str, open_text: str, done_text: str
) -> None:  # type: ignore[no-untyped-def]
    left, done = score(open_text), score(done_text)
    assert left.clarity < done.clarity, (category, open_text, left.clarity, done.clarity)
    assert not left.hedged


def test_the_contraction_reads_as_will_not(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The ministry won't raise the rice quota.")
    b = score("The ministry will not raise the rice quota.")
    assert a.clarity == b.clarity


@pytest.mark.parametrize(("category", "open_text", "done_text"), LOWER)
def test_look_alikes_that_stay_open(score, category: str, open_text: str, done_text: str) -> None:  # type: ignore[no-untyped-def]
    left, done = score(open_text), score(done_text)
    assert left.clarity < done.clarity, (category, open_text, left.clarity, done.clarity)


def test_a_purpose_beside_an_enacted_move_discounts_it_less(score) -> None:  # type: ignore[no-untyped-def]
    # the move is done; the purpose beside it is not, and discounts less than a purpose alone
    done = score("Seoul cut duties on Japanese steel.")
    beside = score("Seoul cut duties on Japanese steel to ease a shortage.")
    alone = score("Seoul met Japanese steel makers to ease a shortage.")
    plain = score("Seoul met Japanese steel makers.")
    assert beside.clarity < done.clarity
    assert done.clarity - beside.clarity < plain.clarity - alone.clarity


def test_a_duty_laid_down_is_still_no_open_event(score) -> None:  # type: ignore[no-untyped-def]
    # an ability is a possibility; a duty a rule lays down binds (the commitment reading)
    duty = score("The rule requires exporters to file quarterly reports with customs.")
    free = score("The rule lets exporters file quarterly reports with customs.")
    able = score("The rule makes exporters able to file quarterly reports with customs.")
    assert duty.clarity >= free.clarity
    assert able.clarity < free.clarity

"""How firmly a news sentence states its event, by category of wording met in general news.
Words that look like hedges leave the event stated: suspects counted, a person the police look
for, a standing programme named a plan, an estimated number, a proposal decided on, a plea of
guilty, a result measured against a forecast, "going to" before a place. Advocacy for an event,
a guarantee withheld, advice against an event, a plea, options still weighed, a licence applied
for, a gain one stands to make and an event held back until a condition leave it open; what is
supposed to happen is hedged; "can" weighs as "should" does; what a won contract binds to weighs
less than a bare purpose. Each table pairs a sentence with the same event in other words; each
category has a look-alike that must keep its reading."""

from __future__ import annotations

import pytest

SAME: list[tuple[str, str, str]] = [
    # (category, wording, the same event in plain words): each pair rates the same, unhedged
    (
        "suspects counted",
        "Customs said three suspects were held at the port.",
        "Customs said three men were held at the port.",
    ),
    (
        "suspects as subject",
        "Border guards said suspects had been detained at the crossing.",
        "Border guards said migrants had been detained at the crossing.",
    ),
    (
        "looked for by police",
        "The trader is wanted for questioning over the forged permits.",
        "The trader is held for questioning over the forged permits.",
    ),
    (
        "looked for by police",
        "The broker is being sought as a witness in the fraud case.",
        "The broker is being named as a witness in the fraud case.",
    ),
    (
        "standing programme",
        "The steelmaker adopted a shareholder rights plan at its annual meeting.",
        "The steelmaker adopted a shareholder rights charter at its annual meeting.",
    ),
    (
        "standing programme",
        "Dockworkers lost part of their pension plan in the merger.",
        "Dockworkers lost part of their pension fund in the merger.",
    ),
    (
        "estimated number",
        "Officials said an estimated 4,000 containers were stuck at the port.",
        "Officials said some 4,000 containers were stuck at the port.",
    ),
    (
        "a proposal decided on",
        "Parliament rejected the proposal on rice duties.",
        "Parliament rejected the bill on rice duties.",
    ),
    (
        "a plea of guilty",
        "The trader pleaded guilty to fraud at a court in Rotterdam.",
        "The trader admitted fraud at a court in Rotterdam.",
    ),
    (
        "pressed for time",
        "Pressed for time, the delegations left the talks early.",
        "Short of time, the delegations left the talks early.",
    ),
]


@pytest.mark.parametrize(("category", "wording", "plain"), SAME)
def test_nouns_that_look_like_hedges(score, category: str, wording: str, plain: str) -> None:  # type: ignore[no-untyped-def]
    a, b = score(wording), score(plain)
    assert a.clarity == b.clarity, (category, wording, a.clarity, b.clarity)
    assert not a.hedged


STILL_HEDGED: list[tuple[str, str]] = [
    # (category, a look-alike whose hedge stays): the verb, a wish, an intention, an estimate
    ("suspects counted", "Customs suspects three traders forged the permits."),
    ("looked for by police", "The broker wanted to sell the permits abroad."),
    ("standing programme", "The steelmaker plans to adopt a shareholder rights charter."),
    ("estimated number", "Officials estimated that 4,000 containers would be stuck."),
    ("a proposal decided on", "The ministry drew up a proposal on rice duties."),
]


@pytest.mark.parametrize(("category", "text"), STILL_HEDGED)
def test_look_alikes_keep_their_hedge(score, category: str, text: str) -> None:  # type: ignore[no-untyped-def]
    assert score(text).hedged, (category, text)


OPEN: list[tuple[str, str, str]] = [
    # (category, an event left open, the event done in other words): the first rates lower, and
    # the hedged flag reads neither
    (
        "advocacy",
        "Rice farmers pushed for higher duties on imports.",
        "Rice farmers spoke of higher duties on imports.",
    ),
    ("advocacy", "Steel unions argued for higher duties.", "Steel unions spoke of higher duties."),
    (
        "advocacy",
        "Port operators appealed for calm after the strike.",
        "Port operators spoke of calm after the strike.",
    ),
    (
        "guarantee withheld",
        "The licence does not guarantee that the smelter opens next year.",
        "The licence means that the smelter opens next year.",
    ),
    (
        "guarantee withheld",
        "The bank said there is no assurance of a recovery in rice exports.",
        "The bank said there is a recovery in rice exports.",
    ),
    (
        "advice against",
        "The embassy warned against travel to the border region.",
        "The embassy reported travel to the border region.",
    ),
    ("plea", "Please keep the border crossing open.", "They kept the border crossing open."),
    (
        "options weighed",
        "The miner is reviewing strategic alternatives for its copper unit.",
        "The miner is reviewing the accounts of its copper unit.",
    ),
]


@pytest.mark.parametrize(("category", "open_text", "done_text"), OPEN)
def test_events_left_open_in_news_wording(
    score, category: str, open_text: str, done_text: str
) -> None:  # type: ignore[no-untyped-def]
    left, done = score(open_text), score(done_text)
    assert left.clarity < done.clarity, (category, open_text, left.clarity, done.clarity)
    assert not left.hedged


def test_a_guarantee_given_leaves_nothing_open(score) -> None:  # type: ignore[no-untyped-def]
    given = score("The state guaranteed a loan to the smelter.")
    made = score("The state made a loan to the smelter.")
    assert given.clarity == made.clarity


def test_can_weighs_as_should(score) -> None:  # type: ignore[no-untyped-def]
    # what is possible or allowed is not done: as open as what ought to be done, and no hedge
    # on its own
    can = score("Importers can pay the rice duty in instalments.")
    should = score("Importers should pay the rice duty in instalments.")
    plain = score("Importers pay the rice duty in instalments.")
    assert can.clarity == should.clarity < plain.clarity
    assert not can.hedged


COMPARED: list[tuple[str, str, str]] = [
    # (category, a result measured against a forecast or a movement, the same in plain words):
    # each pair rates the same, unhedged
    (
        "compared with a forecast",
        "Copper output was lower than most analysts had forecast.",
        "Copper output was lower than last year.",
    ),
    (
        "compared with a plan",
        "The new terminal opened two months later than originally planned.",
        "The new terminal opened two months later than the old one.",
    ),
    (
        "a movement, no future",
        "Rice prices fell sharply, going to the lowest level in a decade.",
        "Rice prices fell sharply, reaching the lowest level in a decade.",
    ),
]


@pytest.mark.parametrize(("category", "wording", "plain"), COMPARED)
def test_results_measured_against_a_forecast(
    score, category: str, wording: str, plain: str
) -> None:  # type: ignore[no-untyped-def]
    a, b = score(wording), score(plain)
    assert a.clarity == b.clarity, (category, wording, a.clarity, b.clarity)
    assert not a.hedged


@pytest.mark.parametrize(
    "text",
    [
        # the forecast itself, a forecast beside a result, a future with "going to"
        "Analysts had forecast that copper output would fall.",
        "Copper output was lower, and analysts forecast a rebound.",
        "The ministry is going to raise the rice quota.",
    ],
)
def test_forecasts_and_futures_stay_hedged(score, text: str) -> None:  # type: ignore[no-untyped-def]
    assert score(text).hedged, text


def test_where_a_price_ended_the_period_is_no_purpose(score) -> None:  # type: ignore[no-untyped-def]
    ended = score("The index fell sharply to end the day at 7,114.")
    plain = score("The index fell sharply and ended the day at 7,114.")
    assert ended.clarity == plain.clarity
    # a look-alike: closing a plant, not a trading day, is still a purpose
    purpose = score("The owners moved to close the plant at once.")
    done = score("The owners closed the plant at once.")
    assert purpose.clarity < done.clarity


def test_what_an_instrument_binds_weighs_less_than_a_purpose(score) -> None:  # type: ignore[no-untyped-def]
    # the contract is won; what it binds the yard to is open, but less than a bare purpose
    bound = score("The shipyard won a contract to build four ferries.")
    purpose = score("The shipyard hired welders to build four ferries.")
    assert (
        score("The shipyard won a contract for four ferries.").clarity
        == score("The shipyard hired welders for four ferries.").clarity
    )
    assert purpose.clarity < bound.clarity


def test_a_licence_applied_for_is_open(score) -> None:  # type: ignore[no-untyped-def]
    applied = score("The exporter has applied for a licence to ship chips to Vietnam.")
    held = score("The exporter holds a licence to ship chips to Vietnam.")
    assert applied.clarity < held.clarity
    assert not applied.hedged
    # a look-alike: a rule that applied for a time is no request
    lasted = score("The tariff lasted for two years.")
    assert score("The tariff applied for two years.").clarity == lasted.clarity


def test_an_event_held_back_until_a_condition_is_open(score) -> None:  # type: ignore[no-untyped-def]
    held = score("Rice exports will not resume until the drought ends.")
    dated = score("Rice exports will not resume until the end of the year.")
    assert held.clarity < dated.clarity
    assert not held.hedged
    # look-alikes: a time after "until" is a date, not a condition; in the past both are stated
    before = score("Rice exports will not resume before the end of the year.")
    assert dated.clarity == before.clarity
    past = score("Rice exports did not resume until the drought ended.")
    assert past.clarity == score("Rice exports did not resume until the end of the year.").clarity


def test_what_is_supposed_to_happen_is_hedged(score) -> None:  # type: ignore[no-untyped-def]
    supposed = score("The quota talks are supposed to end by May.")
    assert supposed.hedged
    assert supposed.clarity < score("The quota talks will end by May.").clarity
    # a look-alike: the adjective qualifies a noun, no event
    assert not score("The supposed deal on rice was a hoax.").hedged


def test_a_gain_one_stands_to_make_is_more_open_than_a_purpose(score) -> None:  # type: ignore[no-untyped-def]
    likely = score("Rice farmers stand to gain from the new quota.")
    purpose = score("Rice farmers met to gain from the new quota.")
    assert likely.clarity < purpose.clarity
    assert not likely.hedged

"""Items that differ in a key fact — target state, direction, instrument — are different stories,
however alike their wording; rewrites that keep the facts stay one story."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.domain.places import places
from bot.domain.stories import DEFAULT_THRESHOLD, StoryCandidate, match_story, similarity
from tests.support.cli import Bot
from tests.support.feeds import rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
COUNTRIES = [
    "Japan", "Germany", "Mexico", "Vietnam", "India", "Brazil", "Canada", "South Korea", "Turkey",
    "Egypt", "Chile", "Kenya", "Peru", "Argentina", "Indonesia", "Thailand", "Malaysia",
    "Australia", "South Africa", "Ukraine", "Taiwan", "Morocco", "Colombia", "Nigeria", "Norway",
]  # fmt: skip


def steel(country: str) -> tuple[str, str]:
    return (
        f"US imposes 25% tariffs on steel imports from {country}",
        f"The United States will impose 25% tariffs on steel imports from {country} from "
        "December 1, the Commerce Department said on Friday, citing a surge of shipments.",
    )


def story(story_id: str, title: str, lead: str, minutes: int = 0) -> StoryCandidate:
    return StoryCandidate(
        story_id=story_id, title=title, lead=lead, published=T0 + timedelta(minutes=minutes)
    )


def test_places_know_every_country_by_name_and_the_longest_name_wins() -> None:
    assert places("tariffs on steel from peru, kenya and south africa") == {"PE", "KE", "ZA"}
    assert places("the united arab emirates and the hague") == {"AE", "NL"}
    assert places("ottawa follows washington") == {"CA", "US"}


def test_the_same_measure_against_each_country_is_a_story_per_country() -> None:
    recent = [story(c, *steel(c), minutes=i) for i, c in enumerate(COUNTRIES)]
    for i, country in enumerate(COUNTRIES):
        again = story("new", *steel(country), minutes=30 + i)
        assert match_story(again, recent) == country  # its own copy, no other country's


def test_a_rewrite_naming_the_target_by_demonym_is_the_same_story() -> None:
    wire = story("wire", *steel("Japan"))
    rewrite = story(
        "rewrite",
        "Washington slaps 25% duty on Japanese steel",
        "Steel shipped from Japan to the United States will face a 25% tariff from December 1 "
        "after a surge of imports, US officials said.",
        minutes=90,
    )
    assert similarity(wire, rewrite) >= DEFAULT_THRESHOLD


HALT = (
    "China halts rare earth exports to US defence suppliers",
    "China's commerce ministry halted exports of heavy rare earths and magnets to US defence "
    "contractors with immediate effect, citing national security.",
)


@pytest.mark.parametrize(
    ("other", "same"),
    [
        (
            (
                "China pauses rare earth export ban on US until Dec 2",
                "China's commerce ministry said it would suspend its ban on exports of heavy rare "
                "earths and magnets to US defence contractors until December 2, easing curbs.",
            ),
            False,
        ),
        (
            (
                "Beijing bans rare earth sales to American defence firms",
                "Heavy rare earths and magnets can no longer be shipped to US defence contractors, "
                "China's commerce ministry said, with immediate effect, on national security "
                "grounds.",
            ),
            True,
        ),
    ],
    ids=["pause-of-the-halt", "halt-told-as-ban"],
)
def test_opposite_directions_are_different_stories(other: tuple[str, str], same: bool) -> None:
    score = similarity(story("halt", *HALT), story("other", *other, minutes=120))
    assert (score >= DEFAULT_THRESHOLD) is same


def test_another_instrument_against_the_same_target_is_another_story() -> None:
    tariffs = story(
        "tariffs",
        "US imposes tariffs on Chinese drone maker Skyforge",
        "The US Commerce Department imposed tariffs on drones made by Chinese manufacturer "
        "Skyforge on Thursday, citing security risks.",
    )
    sanctions = story(
        "sanctions",
        "US imposes sanctions on Chinese drone maker Skyforge",
        "The US Treasury imposed sanctions on Chinese drone manufacturer Skyforge on Thursday, "
        "citing security risks.",
        minutes=60,
    )
    assert similarity(tariffs, sanctions) == 0.0
    assert match_story(sanctions, [tariffs]) is None


def test_poll_alerts_each_countrys_tariffs_as_its_own_story(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    url = feeds.set(
        "/wire.xml",
        rss([rss_item(f"steel-{i}", *steel(c), minutes=i) for i, c in enumerate(COUNTRIES)]),
    )
    bot = Bot(tmp_path, slack)
    result = bot.poll(
        {
            "feeds": [{"name": "wire", "url": url, "backlog": 100}],
            "routes": [{"name": "desk", "to": "slack:C0DESK"}],
            "delivery": {"budget": 100},
        }
    )
    assert result.exit_code == 0, result.output
    assert len(bot.top_level("C0DESK")) == len(COUNTRIES)
    assert bot.rows("SELECT COUNT(DISTINCT story_id) FROM items") == [(len(COUNTRIES),)]

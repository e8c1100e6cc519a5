"""Route options as a user sets them in the config file and runs `signalbot poll --config FILE`:
the keyword filter (`match`), plain feed-to-channel routes (`relevant_only: false`), and names
that can never match (unknown topics, actor codes, feeds)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from bot.adapters.sql.store import SqlStore
from bot.cli import main
from bot.domain.config import Destination, Route
from tests.support.feeds import IRRELEVANT_TEXT, TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn

LICENCES = (
    "China tightens rare earth export licences for magnet makers",
    "China's commerce ministry said on Monday that exporters of rare earth magnets to the United "
    "States must apply for new export licences from 1 December, tightening its controls.",
)
OIL_QUOTA = (
    "China cuts rare earth quota as oil refiners scramble",
    "Beijing lowered the annual rare earth mining quota by 10% while US oil refiners scrambled "
    "for catalysts, the Chinese industry ministry said.",
)
HOSTILE = "<!channel> Bakery news <https://evil.example/x|click> <@U0ADMIN>"


def run_poll(
    tmp_path: Path, slack: SlackStandIn, config: dict[str, Any]
) -> subprocess.CompletedProcess[str]:
    path = tmp_path / "signalbot.yaml"
    path.write_text(yaml.safe_dump(config))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SIGNALBOT_"))}
    env |= {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_API_URL": slack.base,
        "SIGNALBOT_DATA_DIR": str(tmp_path / "data"),
    }
    return subprocess.run(
        [sys.executable, "-m", "bot", "poll", "--config", str(path)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )


def posted_titles(slack: SlackStandIn) -> list[str]:
    return [p["text"] for p in slack.posts()]


def test_match_keeps_only_items_whose_title_and_text_satisfy_the_expression(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    url = feeds.set(
        "/wire",
        rss(
            [
                rss_item("lic", *LICENCES, minutes=1),
                rss_item("oil", *OIL_QUOTA, minutes=2),
                rss_item("tariff", TARIFF_TITLE, TARIFF_TEXT, minutes=3),
            ]
        ),
    )
    config = {
        "feeds": [{"name": "wire", "url": url, "backlog": 10}],
        "routes": [
            {
                "name": "minerals",
                "to": "slack:C0MIN",
                "match": 'rare earth* AND (licen* OR quota) NOT "oil"',
            },
            {"name": "tariffs", "to": "slack:C0TAR", "match": "TARIFF*"},
        ],
    }
    result = run_poll(tmp_path, slack, config)
    assert result.returncode == 0, result.stderr
    by_channel = {(p["channel"], p["text"].split(" · ")[0]) for p in slack.posts()}
    minerals = [p["text"] for p in slack.posts() if p["channel"] == "C0MIN"]
    tariffs = [p["text"] for p in slack.posts() if p["channel"] == "C0TAR"]
    assert len(minerals) == 1, by_channel
    assert LICENCES[0] in minerals[0]  # "oil" in the text excludes the quota item
    assert len(tariffs) == 1, by_channel
    assert "US imposes 25% tariffs" in tariffs[0]  # case-insensitive prefix match


def test_a_plain_route_posts_every_new_item_escaped_folded_and_once(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    items = [rss_item("hostile", HOSTILE, IRRELEVANT_TEXT, minutes=0)]
    items += [
        rss_item(f"bake-{n}", f"Bakery {n} wins a bread award", IRRELEVANT_TEXT, minutes=n)
        for n in range(1, 23)
    ]
    items.append(rss_item("bake-1", "Bakery 1 wins a bread award", IRRELEVANT_TEXT, minutes=1))
    url = feeds.set("/local", rss(items, title="Valley Gazette"))
    config = {
        "feeds": [{"name": "local", "url": url, "backlog": 50}],
        "routes": [
            {"name": "everything", "to": "slack:C0ALL", "relevant_only": False},
            {"name": "relevant", "to": "slack:C0REL"},
        ],
    }
    first = run_poll(tmp_path, slack, config)
    assert first.returncode == 0, first.stderr
    posts = slack.posts()
    assert {p["channel"] for p in posts} == {"C0ALL"}  # irrelevant items skip the default route
    alerts = [p for p in posts if "more" not in p["text"].split(" · ")[0]]
    folds = [p for p in posts if p not in alerts]
    assert len(alerts) == 20  # the default flood budget per channel and hour
    assert len(folds) == 1
    shown = json.dumps(posts, ensure_ascii=False)
    assert all(f"Bakery {n} wins" in shown for n in range(1, 23))  # folded, never dropped
    assert "<!channel>" not in shown
    assert "<@U0ADMIN>" not in shown
    assert "<https://evil.example/x|click>" not in shown
    assert "Valley Gazette" in shown

    again = run_poll(tmp_path, slack, config)
    assert again.returncode == 0, again.stderr
    assert len(slack.posts()) == len(posts)  # nothing posted twice


BAD_ROUTES = {
    "feeds": [{"name": "wire", "url": "https://news.example.org/rss"}],
    "routes": [
        {
            "name": "chips",
            "to": "console",
            "topics": ["tarifs"],
            "actors": ["XX"],
            "feeds": ["wier"],
        },
        {"name": "minerals", "to": "console", "match": "rare earth* AND (licen* OR quota"},
    ],
}


def test_check_config_names_each_wrong_key_and_suggests(tmp_path: Path) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(yaml.safe_dump(BAD_ROUTES))
    result = CliRunner().invoke(main, ["check-config", "--config", str(path)])
    assert result.exit_code == 1
    assert "routes[0].topics: unknown topic 'tarifs' — did you mean tariffs?" in result.output
    assert "routes[0].actors: unknown actor code 'XX' — use one of: " in result.output
    assert (
        "routes[1].match: expected ')' to close the '(' at position 17, found the end at position 33"
        in result.output
    )
    fixed = {**BAD_ROUTES, "routes": [{"name": "chips", "to": "console", "feeds": ["wier"]}]}
    path.write_text(yaml.safe_dump(fixed))
    result = CliRunner().invoke(main, ["check-config", "--config", str(path)])
    assert result.exit_code == 1
    assert "routes[0].feeds: unknown feed 'wier' — did you mean wire?" in result.output


def test_start_up_refuses_a_route_that_can_never_match(tmp_path: Path, slack: SlackStandIn) -> None:
    result = run_poll(tmp_path, slack, BAD_ROUTES)
    assert result.returncode == 1
    assert "routes[0].topics: unknown topic 'tarifs' — did you mean tariffs?" in result.stderr
    assert "routes[1].match: expected ')'" in result.stderr
    assert slack.calls == []


@pytest.mark.parametrize(
    ("expression", "problem"),
    [
        ("rare AND", "expected a word, a quoted phrase, NOT or '(', found the end at position 9"),
        ('"rare earth', "unclosed quoted phrase: expected a closing '\"' at position 1"),
        (
            "rare) earth",
            "expected AND, OR or the end, found ')' without a matching '(' at position 5",
        ),
        ("ra*re", "'*' is allowed only at the end of a word or phrase ('ra*re') at position 1"),
    ],
)
def test_check_config_explains_a_malformed_match(
    tmp_path: Path, expression: str, problem: str
) -> None:
    path = tmp_path / "c.yaml"
    path.write_text(
        yaml.safe_dump({"routes": [{"name": "r", "to": "console", "match": expression}]})
    )
    result = CliRunner().invoke(main, ["check-config", "--config", str(path)])
    assert result.exit_code == 1
    assert f"routes[0].match: {problem}" in result.output


async def test_a_stored_route_from_before_the_name_checks_still_loads(store: SqlStore) -> None:
    earlier = Route.model_construct(
        name="old",
        to=Destination(platform="slack", target="C0DESK"),
        topics=("tarifs", "tariffs"),
        actors=("XX",),
    )
    await store.add_chat_route(earlier, "U1", datetime(2026, 11, 1, tzinfo=UTC))
    [route] = await store.chat_routes()
    assert route.topics == ("tarifs", "tariffs")  # it still delivers tariffs items, as before
    assert route.actors == ("XX",)

"""The ``delivery`` keys of the config file take effect through ``signalbot poll --config FILE``,
and no section of the file is lost on the way from the file to the running bot."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.adapters.config_file import load_config
from bot.cli_common import effective_config
from bot.domain.config import BotConfig
from tests.support.cli import Bot
from tests.support.feeds import distinct_story, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn

RELEVANT = [n for n in range(60) if n % 4 != 3]


@pytest.fixture
def bot(tmp_path: Path, slack: SlackStandIn) -> Bot:
    return Bot(tmp_path, slack)


def stories(*indexes: int) -> str:
    return rss([rss_item(f"g{n}", *distinct_story(RELEVANT[n]), minutes=n) for n in indexes])


def config(url: str, **delivery: Any) -> dict[str, Any]:
    return {
        "feeds": [{"name": "wire", "url": url, "backlog": 50}],
        "routes": [{"name": "desk", "to": "slack:C0DESK"}],
        "delivery": delivery,
    }


def test_budget_and_window_fold_what_exceeds_the_budget(bot: Bot, feeds: FeedServer) -> None:
    url = feeds.set("/wire.xml", stories(*range(5)))
    assert bot.poll(config(url, budget=2, window="3h")).exit_code == 0
    posts = bot.top_level("C0DESK")
    assert len(posts) == 3  # two alerts, then one message folding the other three
    assert "3 more relevant item(s)" in posts[-1]["text"]
    assert "budget of 2 alerts per 3 h" in posts[-1]["text"]
    # Within the window the budget stays spent: a new feed's item next cycle is folded too.
    second = config(url, budget=2, window="3h")
    later_url = feeds.set("/later.xml", stories(5))
    second["feeds"].append({"name": "later", "url": later_url, "backlog": 5})
    assert bot.poll(second).exit_code == 0
    later = bot.top_level("C0DESK")[3:]
    assert len(later) == 1
    assert "1 more relevant item(s)" in later[0]["text"]


def test_without_a_budget_every_alert_goes_out(bot: Bot, feeds: FeedServer) -> None:
    url = feeds.set("/wire.xml", stories(*range(5)))
    assert bot.poll(config(url)).exit_code == 0
    assert len(bot.top_level("C0DESK")) == 5


def pause_until(due: date) -> tuple[str, str]:
    return (
        f"China suspends gallium export ban on US until {due:%-d %B %Y}",
        "China's commerce ministry suspended its ban on gallium and germanium exports to the "
        f"United States until {due:%-d %B %Y}, when the ban will be restored unless talks succeed.",
    )


@pytest.mark.parametrize(("ahead", "days"), [("4d", 4), ("P2D", 2), (None, 3)])
def test_remind_ahead_sets_when_a_deadline_is_announced(
    bot: Bot, feeds: FeedServer, ahead: str | None, days: int
) -> None:
    due = datetime.now(UTC).date() + timedelta(days=10)
    url = feeds.set("/wire.xml", rss([rss_item("pause", *pause_until(due))]))
    delivery = {"remind_ahead": ahead} if ahead else {}
    assert bot.poll(config(url, **delivery)).exit_code == 0
    reminders = bot.rows("SELECT kind, due_date, remind_on FROM reminders ORDER BY kind")
    assert reminders == [
        ("ahead", due.isoformat(), (due - timedelta(days=days)).isoformat()),
        ("day", due.isoformat(), due.isoformat()),
    ]


SAME_STORY = [
    (
        "US imposes 25% tariffs on Chinese electric vehicles from 1 December",
        "The US Trade Representative said it will impose tariffs of 25% on electric vehicles "
        "imported from China, effective 1 December, under Section 301.",
    ),
    (
        "US to impose 25% tariffs on Chinese electric vehicles on 1 December",
        "Tariffs of 25% on electric vehicles imported from China take effect on 1 December, the "
        "US Trade Representative said, under Section 301.",
    ),
]


@pytest.mark.parametrize(("window", "top_level"), [("2h", 2), (None, 1)])
def test_story_window_bounds_how_far_apart_one_storys_items_can_be(
    bot: Bot, feeds: FeedServer, window: str | None, top_level: int
) -> None:
    url = feeds.set(
        "/wire.xml",
        rss([rss_item(f"ev{i}", *text, minutes=300 * i) for i, text in enumerate(SAME_STORY)]),
    )
    delivery = {"story_window": window} if window else {}
    assert bot.poll(config(url, **delivery)).exit_code == 0
    assert len(bot.top_level("C0DESK")) == top_level
    assert len(bot.posts("C0DESK")) == 2


EVERY_SECTION = """
feeds: [{name: wire, url: "https://example.org/a.xml", interval: 2h, tags: [x], backlog: 2}]
polling: {interval: 30m, min_interval: 10m, max_interval: 6h, backlog: 3, timeout: 7s,
          max_body_bytes: 20000, per_host: 2, concurrency: 3}
routes: [{name: desk, to: "slack:C1", topics: [tariffs], min_escalation: 2}]
delivery: {budget: 2, window: 2h, remind_ahead: 1d, story_window: 12h}
chat: {admins: [U1], admin_groups: [S1], command: /sig}
ops: {to: "slack:C0OPS", failures: 2}
"""


@pytest.mark.parametrize(
    ("feeds", "channel", "teams"),
    [((), None, ()), (("https://example.org/b.xml",), "C9", ("https://example.org/hook",))],
)
def test_no_section_of_the_file_is_lost_with_or_without_command_line_additions(
    tmp_path: Path, feeds: tuple[str, ...], channel: str | None, teams: tuple[str, ...]
) -> None:
    path = tmp_path / "signalbot.yaml"
    path.write_text(EVERY_SECTION, encoding="utf-8")
    loaded = load_config(path)
    assert all(
        getattr(loaded, key) != field.get_default(call_default_factory=True)
        for key, field in BotConfig.model_fields.items()
    ), "the sample must set every section away from its default"
    merged, source = effective_config(path, feeds, channel, teams)
    assert source == str(path)
    for key in BotConfig.model_fields:
        if key not in ("feeds", "routes"):
            assert getattr(merged, key) == getattr(loaded, key), key
    assert merged.feeds[: len(loaded.feeds)] == loaded.feeds
    assert merged.routes[: len(loaded.routes)] == loaded.routes
    assert len(merged.feeds) == len(loaded.feeds) + len(feeds)
    assert len(merged.routes) == len(loaded.routes) + bool(channel) + len(teams)


def test_slack_channel_on_the_command_line_keeps_the_files_delivery_budget(
    bot: Bot, feeds: FeedServer
) -> None:
    url = feeds.set("/wire.xml", stories(*range(4)))
    result = bot.poll(
        {"feeds": [{"name": "wire", "url": url, "backlog": 10}], "delivery": {"budget": 1}},
        "--slack-channel",
        "C0CLI",
    )
    assert result.exit_code == 0, result.output
    posts = bot.top_level("C0CLI")
    assert len(posts) == 2
    assert "3 more relevant item(s)" in posts[-1]["text"]

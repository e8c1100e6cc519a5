"""One item that cannot be processed never costs its feed the other items or its state."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.app import build_app
from bot.domain.config import BotConfig, Destination
from bot.domain.models import Article, Assessment
from bot.domain.scoring import RuleScorer
from bot.domain.stories import _numbers
from tests.conftest import FakeClock
from tests.support.apps import slack_settings
from tests.support.feeds import distinct_story, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn

POISON = "Customs union hands out quotas"


def test_figures_with_several_dots_are_kept_as_written() -> None:
    assert _numbers("duties from 01.03.2026 on 1,000 cars at 35.3 percent") == {
        "01.03.2026",
        "1000",
        "35.3",
    }


async def test_an_item_that_fails_is_set_aside_and_the_others_are_kept(
    tmp_path: Path,
    feeds: FeedServer,
    slack: SlackStandIn,
    clock: FakeClock,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    score = RuleScorer.score

    def failing_on_poison(self: RuleScorer, article: Article) -> Assessment:
        if article.title.startswith(POISON):
            raise ValueError("cannot score this one")
        return score(self, article)

    monkeypatch.setattr(RuleScorer, "score", failing_on_poison)
    items = [rss_item(f"i{n}", *distinct_story(n), minutes=n) for n in range(4)]
    items.insert(2, rss_item("poison", POISON, "Quotas of 01.03.2026.", minutes=2))
    url = feeds.set("/wire", rss(items))
    config = BotConfig.model_validate(
        {
            "feeds": [{"name": "wire", "url": url}],
            "routes": [{"name": "desk", "to": "slack:C0DESK"}],
            "polling": {"backlog": 10},
        }
    )
    async with build_app(slack_settings(tmp_path, slack), config, clock=clock) as app:
        report = await app.poller.poll_once()
        [outcome] = report.outcomes
        assert (outcome.error, outcome.new_items, outcome.set_aside) == (None, 4, 1)
        assert report.delivery.sent == 4
        state = await app.store.feed_state("wire")
        assert state.polls == 1
        assert state.error_count == 0
        assert state.body_hash
        assert POISON in (state.last_error or "")
        command = app.chat.parse("feeds errors")
        here = Destination(platform="slack", target="C0DESK")
        reply = await app.chat.execute(command, user="U1", destination=here, is_admin=False)  # type: ignore[arg-type]
        assert POISON in reply.text
        assert "set aside" in reply.text
    assert any(POISON in r.getMessage() and "wire" in r.getMessage() for r in caplog.records)
    assert "set aside" in report.summary()

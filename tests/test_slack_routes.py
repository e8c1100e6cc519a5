"""`/signal route add` and `/signal digest` through signed slash commands to the real Bolt app,
with the loopback Slack Web API stand-in and response_url receiver."""

from __future__ import annotations

import asyncio
import time

from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.test_slack_http import (  # noqa: F401 -- rig and responses are fixtures
    ADMIN,
    CHANNEL,
    Rig,
    ask,
    command,
    responses,
    rig,
    texts,
)


async def test_route_add_refuses_names_that_can_never_match_and_suggests(rig: Rig) -> None:
    rig.feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)], title="Loop Wire"))
    await ask(rig, f"feeds add {rig.feeds.base}/wire wire", user=ADMIN)
    typos = await ask(rig, "route add chips topics=tarifs actors=XX", user=ADMIN)
    feed = await ask(rig, "route add chips feeds=wier", user=ADMIN)
    assert typos["response_type"] == "ephemeral"
    assert "unknown topic 'tarifs' — did you mean tariffs?" in typos["text"]
    assert "unknown actor code 'XX' — use one of: " in typos["text"]
    assert "unknown feed 'wier' — did you mean wire?" in feed["text"]
    assert await rig.app.store.chat_routes() == []


async def test_route_add_takes_a_quoted_match_and_explains_a_malformed_one(rig: Rig) -> None:
    added = await ask(
        rig,
        "route add minerals topics=rare-earths match=“rare earth* AND (licen* OR quota)” "
        "relevant_only=false",
        user=ADMIN,
    )
    broken = await ask(rig, "route add broken match='rare earth* AND'", user=ADMIN)
    unclosed = (await command(rig, "route add unclosed match='rare earth*", ADMIN)).json()
    assert "Added route minerals" in added["text"]
    [route] = await rig.app.store.chat_routes(f"slack:{CHANNEL}")
    assert route.match == "rare earth* AND (licen* OR quota)"
    assert route.relevant_only is False
    assert (
        "match: expected a word, a quoted phrase, NOT or '(', found the end at position 16"
        in broken["text"]
    )
    assert "unclosed quote" in unclosed["text"]
    listed = await ask(rig, "route list")
    assert "match='rare earth* AND (licen* OR quota)' relevant_only=false" in texts(listed)


async def test_digest_answers_privately_naming_each_outlet(rig: Rig) -> None:
    rig.feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)], title="Loop Wire"))
    await ask(rig, f"feeds add {rig.feeds.base}/wire wire", user=ADMIN)
    await rig.app.poller.poll_once()
    private = await ask(rig, "digest 24h")
    assert private["response_type"] == "ephemeral"
    assert TARIFF_TITLE in texts(private)
    context = [
        e["text"]
        for b in private["blocks"]
        if b["type"] == "context"
        for e in b["elements"]
    ]
    assert context
    assert all(c.startswith("Loop Wire") for c in context)
    assert not [c for c in rig.slack.calls if c.method.startswith("files.")]  # no public chart

    shared = await ask(rig, "digest 24h --share")
    assert shared["response_type"] == "in_channel"
    deadline = time.monotonic() + 10
    while not _uploads(rig) and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    [upload] = _uploads(rig)
    assert upload.params["channel_id"] == CHANNEL


def _uploads(rig: Rig) -> list[object]:
    return [c for c in rig.slack.calls if c.method == "files.completeUploadExternal"]

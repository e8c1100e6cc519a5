"""Alert and reply cards: schema-valid Adaptive Cards 1.4, the Slack alert's content, inert
untrusted text, and a size that stays under the Workflows limit however long the item."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bot.domain.models import Evidence, Label
from bot.render.teams import (
    BUDGETS,
    CARD_CONTENT_TYPE,
    MAX_BYTES,
    alert_card,
    alert_payload,
    escape,
    payload_size,
    reply_card,
    safe_url,
)
from bot.services.chat import Reply
from tests.teams.conftest import CardCheck
from tests.teams.support import HOSTILE, TODAY, make_alert


def texts(node: Any) -> list[str]:
    """Every string a card shows (TextBlock text, fact values, action titles, fallback)."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in ("text", "title", "value", "fallbackText") and isinstance(value, str):
                found.append(value)
            else:
                found.extend(texts(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(texts(value))
    return found


def urls(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        if node.get("type") == "Action.OpenUrl":
            found.append(node["url"])
        for value in node.values():
            found.extend(urls(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(urls(value))
    return found


def test_alert_payload_is_the_workflows_envelope_with_a_valid_1_4_card(
    assert_valid_card: CardCheck,
) -> None:
    item, assessment = make_alert()
    payload = alert_payload(item, assessment, TODAY)
    assert payload["type"] == "message"
    [attachment] = payload["attachments"]
    assert (
        attachment["contentType"] == CARD_CONTENT_TYPE == "application/vnd.microsoft.card.adaptive"
    )
    assert attachment["contentUrl"] is None
    assert_valid_card(attachment["content"])


def test_alert_card_shows_what_the_slack_alert_shows(assert_valid_card: CardCheck) -> None:
    item, assessment = make_alert()
    card = alert_card(item, assessment, TODAY)
    assert_valid_card(card)
    shown = "\n".join(texts(card))
    assert "🔻 −2.5 · clarity ▰▱▱▱▱ 22 · signal" in shown  # direction and clarity at a glance
    assert "31 Jan 2027 · in 72 days" in shown  # reversion risk
    assert "China approves some rare earth export licences to EU firms" in shown
    assert "Example Wire · 20 Nov 2026 08:00 UTC · CN · EU" in shown  # source, time, actors
    assert "no volumes · no named licence holders · no timeline" in shown
    assert "named neither volumes nor licence holders" in shown  # summary
    assert "“symbolic concession” −clarity (-12.0)" in shown  # strongest evidence first
    # The headline and the action open the article.
    assert urls(card) == [item.link, item.link]
    assert card["body"][1]["selectAction"]["type"] == "Action.OpenUrl"
    assert card["fallbackText"].startswith("🔻 −2.5 · signal · China approves")


@pytest.mark.parametrize(
    ("label", "style", "symbol"),
    [
        (Label.ESCALATION, "attention", "🔺"),
        (Label.DEESCALATION, "good", "🔻"),
        (Label.MIXED, "warning", "↕"),
        (Label.NEUTRAL, "default", "·"),
    ],
)
def test_colour_follows_direction_and_is_never_the_only_signal(
    label: Label, style: str, symbol: str, assert_valid_card: CardCheck
) -> None:
    item, assessment = make_alert(label=label)
    card = alert_card(item, assessment, TODAY)
    assert_valid_card(card)
    band = card["body"][0]
    assert band["style"] == style
    assert band["items"][0]["text"].startswith(symbol)  # the symbol says it without colour


def test_untrusted_text_cannot_inject_links_formatting_or_mentions(
    assert_valid_card: CardCheck,
) -> None:
    item, assessment = make_alert(title=HOSTILE, link="javascript:alert(1)", summary=HOSTILE)
    assessment = assessment.model_copy(
        update={
            "missing": [HOSTILE],
            "actors": ["<at>CEO</at>"],
            "evidence": [
                Evidence(cue=HOSTILE, sentence=HOSTILE, kind="escalation", contribution=3)
            ],
        }
    )
    item = item.model_copy(update={"source": "# Heading **source**"})
    card = alert_card(item, assessment, TODAY)
    assert_valid_card(card)
    assert urls(card) == []  # a javascript: link is never offered
    untrusted = " ".join(texts(card)).replace("**Missing for a commitment:**", "")
    assert not re.search(r"\]\s*\(", untrusted)  # no [label](url)
    assert "<" not in untrusted
    assert ">" not in untrusted
    assert "&lt;" not in untrusted  # no entity that could decode into a tag
    assert "*" not in untrusted
    assert "_" not in untrusted
    assert not any(t.lstrip().startswith(("#", "-", "+")) for t in texts(card))
    assert "click here" in untrusted
    assert "urgent" in untrusted


@pytest.mark.parametrize(
    ("raw", "bad"),
    [
        ("see [x](https://evil.example)", "]("),
        ("a **bold** claim", "**"),
        ("an _italic_ claim", "_"),
        ("hi <at>Bob</at>", "<at>"),
        ("hi &lt;at&gt;Bob&lt;/at&gt;", "&lt;"),
        ("a > quote", ">"),
    ],
)
def test_escape_neutralises_inline_markdown_and_tags(raw: str, bad: str) -> None:
    assert bad in raw
    assert bad not in escape(raw)


@pytest.mark.parametrize("raw", ["# Heading", "- item", "+ item", "1. item", "12) item", "  # x"])
def test_escape_stops_headings_and_lists_at_the_start(raw: str) -> None:
    out = escape(raw)
    assert not re.match(r"^\s*(#|[-+*]\s|\d+[.)])", out)
    assert out.replace("\u200b", "") == raw.strip()  # the words read the same


def test_safe_url_accepts_only_absolute_http_urls_without_user_info() -> None:
    assert safe_url("https://news.example.org/a?b=1") == "https://news.example.org/a?b=1"
    for bad in (
        "javascript:alert(1)",
        "data:text/html,x",
        "//evil.example/x",
        "https://bank.example@evil.example/",
        "https://news.example.org/a b",
        "https://" + "a" * 3000 + ".example",
        "",
    ):
        assert safe_url(bad) is None, bad


def test_a_very_long_item_stays_under_the_size_cap(assert_valid_card: CardCheck) -> None:
    huge = "Tariffs 関税 🔺 " * 20_000
    item, assessment = make_alert(title=huge, summary=huge, link="https://x.example/" + "p" * 1900)
    assessment = assessment.model_copy(
        update={
            "missing": [huge] * 50,
            "actors": [huge] * 20,
            "topics": [huge] * 20,
            "evidence": [
                Evidence(cue=huge, sentence=huge, kind="escalation", contribution=i / 10)
                for i in range(300)
            ],
        }
    )
    item = item.model_copy(update={"source": huge})
    payload = alert_payload(item, assessment, TODAY)
    assert payload_size(payload) <= MAX_BYTES
    card = payload["attachments"][0]["content"]
    assert_valid_card(card)
    headline = card["body"][1]["items"][0]["text"]
    assert headline.startswith("Tariffs 関税 🔺")
    assert headline.endswith("…")


def test_cards_shrink_gradually_to_fit_a_tighter_cap(assert_valid_card: CardCheck) -> None:
    long_summary = "Officials said the measures would be reviewed. " * 200
    item, assessment = make_alert(summary=long_summary)
    sizes = [payload_size({"c": alert_card(item, assessment, TODAY, b)}) for b in BUDGETS]
    assert sizes == sorted(sizes, reverse=True)  # each budget is smaller than the one before
    roomy = alert_payload(item, assessment, TODAY)
    tight = alert_payload(item, assessment, TODAY, max_bytes=sizes[2] + 40)
    assert payload_size(tight) <= sizes[2] + 40 < payload_size(roomy)
    card = tight["attachments"][0]["content"]
    assert_valid_card(card)
    shown = "\n".join(texts(card))
    assert "clarity ▰▱▱▱▱ 22" in shown
    assert "China approves" in shown
    # Even an impossible cap yields the smallest card rather than an error.
    assert_valid_card(
        alert_payload(item, assessment, TODAY, max_bytes=10)["attachments"][0]["content"]
    )


def test_reply_cards_for_text_analysis_and_digest_are_valid(assert_valid_card: CardCheck) -> None:
    item, assessment = make_alert()
    text_card = reply_card(Reply(lines=["3 feed(s):", "• wire — https://x.example/rss"]), TODAY)
    assert_valid_card(text_card)
    assert "3 feed(s):" in texts(text_card)

    error_card = reply_card(Reply(lines=["unknown command 'x'. Try `help`."], error=True), TODAY)
    assert_valid_card(error_card)
    assert error_card["body"][0]["color"] == "Attention"

    analysis = reply_card(Reply(lines=["Not relevant."], analysis=(item, assessment)), TODAY)
    assert_valid_card(analysis)
    assert "Not relevant." in texts(analysis)
    assert urls(analysis)

    items = [make_alert(title=f"Story {n}") for n in range(15)]
    digest = reply_card(Reply(lines=["Top 10 of 15 item(s) in the last 24h"], items=items), TODAY)
    assert_valid_card(digest)
    shown = texts(digest)
    assert "Story 0" in " ".join(shown)
    assert "… and 5 more" in shown
    assert all(u.startswith("https://") for u in urls(digest))  # open-URL actions only
    assert {a["type"] for a in _actions(digest)} <= {"Action.OpenUrl"}


def test_a_reply_with_thousands_of_lines_stays_under_the_size_cap(
    assert_valid_card: CardCheck,
) -> None:
    lines = [
        f"• feed-{n} — https://example.org/{'x' * 200}/rss — polled 🔺 just now"
        for n in range(3000)
    ]
    card = reply_card(Reply(lines=lines), TODAY)
    assert_valid_card(card)
    assert payload_size({"type": "message", "attachments": [{"content": card}]}) <= MAX_BYTES
    assert any(t.startswith("… and ") for t in texts(card))


def _actions(node: Any) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    if isinstance(node, dict):
        if str(node.get("type", "")).startswith("Action."):
            found.append(node)
        for value in node.values():
            found.extend(_actions(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_actions(value))
    return found


def test_rendered_example_is_json_serialisable() -> None:
    item, assessment = make_alert()
    json.dumps(alert_payload(item, assessment, TODAY), ensure_ascii=False)

"""Assessment → Microsoft Teams Adaptive Card (version 1.4), and chat replies as cards. Pure.

Teams channels receive alerts through Workflows webhooks, which render Adaptive Cards 1.4
reliably (1.5 has been seen to fail there), wrapped in the message envelope that
``envelope()`` builds. Every card carries the same layout as the Slack alert (ALERTS.md): the
glance line (direction, clarity, reversion risk) on a band coloured by direction — colour is never
the only carrier, the symbols and numbers say it too — then the headline linked to the article,
source and time, actors and topics, the summary, what is missing for a commitment and the strongest
evidence.

Size: Workflows refuses cards somewhere above 20 KB, so ``alert_payload`` and ``reply_card`` shorten
the summary, evidence and lists step by step until the envelope (measured as
``len(json.dumps(payload).encode())``, the form the notifier sends) fits; they never fail.

Untrusted text (titles, summaries, evidence quoted from feeds, anything a user typed) passes through
``escape()``: TextBlocks render a markdown subset, so link, emphasis, heading and list syntax, HTML
tags such as ``<at>…</at>`` mentions and character entities are made inert. Links exist only as
``Action.OpenUrl`` (button or ``selectAction``) with a validated http(s) URL.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Protocol
from urllib.parse import urlsplit

from bot.domain.models import Assessment, Item, Label
from bot.domain.text import one_line, shorten
from bot.render import glance

Card = dict[str, Any]
Element = dict[str, Any]

CARD_VERSION = "1.4"
CARD_SCHEMA = "http://adaptivecards.io/schemas/adaptive-card.json"
CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
MAX_BYTES = 20_000
MAX_URL = 2048

# Container styles and TextBlock colours by direction (ALERTS.md: attention for escalation, good
# for de-escalation, warning for mixed). The glance symbols carry the same meaning without colour.
STYLE = {
    Label.ESCALATION: "attention",
    Label.DEESCALATION: "good",
    Label.MIXED: "warning",
    Label.NEUTRAL: "default",
}
COLOR = {
    Label.ESCALATION: "Attention",
    Label.DEESCALATION: "Good",
    Label.MIXED: "Warning",
    Label.NEUTRAL: "Default",
}

# Markdown and HTML control characters replaced by look-alikes that no renderer interprets.
_INERT = str.maketrans(
    {
        "<": "‹",  # HTML tags, <at> mentions, <autolinks>
        ">": "›",  # also block quotes
        "[": "［",  # [label](url) and [label][ref] links
        "]": "］",
        "*": "∗",  # *emphasis*, **bold**, * list items
        "_": "ˍ",  # _emphasis_
        "~": "∼",  # ~~strikethrough~~
        "`": "ˋ",  # `code`
    }
)
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LINE_START = re.compile(r"^(\s*)(?=[#+-]|\d{1,9}[.)])")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_ZWSP = "\u200b"


def escape(text: str) -> str:
    """Untrusted text made inert for an Adaptive Card TextBlock, folded to one line.

    No link, emphasis, heading, list, HTML tag, mention or entity can be formed; the text still
    reads the same to a person.
    """
    text = _CONTROL.sub("", one_line(text)).translate(_INERT)
    text = _ENTITY.sub("&" + _ZWSP, text)
    # A zero-width space before a leading "#", "-", "+" or "1." stops headings and lists.
    return _LINE_START.sub(lambda m: m.group(1) + _ZWSP, text, count=1)


def safe_url(url: str) -> str | None:
    """An absolute http(s) URL fit for ``Action.OpenUrl``, or None."""
    url = url.strip()
    if not url or len(url) > MAX_URL or re.search(r"[\s<>\"\\^`{|}\x00-\x1f\x7f]", url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if "@" in parts.netloc:  # user-info hides the real host: https://bank.example@evil.example
        return None
    return url


def text_block(text: str, **props: Any) -> Element:
    """A wrapping TextBlock. ``text`` must already be escaped (or be the bot's own words)."""
    return {"type": "TextBlock", "text": text or " ", "wrap": True, **props}


def open_url(url: str, title: str) -> Element:
    return {"type": "Action.OpenUrl", "title": title, "url": url}


def card(body: list[Element], *, actions: list[Element] | None = None, fallback: str = "") -> Card:
    """A top-level Adaptive Card 1.4."""
    result: Card = {
        "type": "AdaptiveCard",
        "$schema": CARD_SCHEMA,
        "version": CARD_VERSION,
        "body": body,
    }
    if actions:
        result["actions"] = actions
    if fallback:
        result["fallbackText"] = fallback
    return result


def envelope(content: Card) -> dict[str, Any]:
    """The message a Workflows webhook (and an outgoing-webhook reply) carries."""
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "contentUrl": None, "content": content}],
    }


def payload_size(payload: object) -> int:
    """Bytes of the JSON the notifier sends (ASCII-escaped, so an upper bound in any encoding)."""
    return len(json.dumps(payload).encode())


@dataclass(frozen=True)
class Budget:
    """How much of each untrusted field a card may show; later budgets are smaller."""

    title: int
    summary: int
    evidence: int
    evidence_chars: int
    missing: int
    meta: int
    lines: int
    line_chars: int
    items: int


BUDGETS = (
    Budget(200, 600, 3, 90, 6, 300, 60, 300, 10),
    Budget(200, 300, 3, 60, 4, 200, 40, 200, 10),
    Budget(150, 150, 2, 40, 3, 150, 25, 150, 8),
    Budget(120, 60, 1, 30, 2, 100, 15, 120, 5),
    Budget(100, 0, 0, 0, 0, 80, 8, 100, 3),
)


def fit(build: Callable[[Budget], Card], max_bytes: int = MAX_BYTES) -> Card:
    """The richest card ``build`` makes whose envelope stays within ``max_bytes``.

    The smallest budget's card is returned even when it is over (its hard caps keep it far below
    the Workflows limit): shortening never turns into a failure.
    """
    for budget in BUDGETS[:-1]:
        attempt = build(budget)
        if payload_size(envelope(attempt)) <= max_bytes:
            return attempt
    return build(BUDGETS[-1])


def headline_block(item: Item, budget: Budget) -> Element:
    title = escape(shorten(one_line(item.title or "(untitled item)"), budget.title))
    block = text_block(title, size="Medium", weight="Bolder")
    target = safe_url(item.link)
    if target is None:
        return block
    block["color"] = "Accent"
    return {"type": "Container", "items": [block], "selectAction": open_url(target, "Open article")}


def _meta(item: Item, assessment: Assessment, budget: Budget) -> str:
    parts = [glance.source_line(item, assessment), glance.when_text(item.published)]
    parts += [glance.actors_line(assessment), glance.topics_line(assessment)]
    return escape(shorten(" · ".join(p for p in parts if p), budget.meta))


def alert_body(
    item: Item, assessment: Assessment, today: date, budget: Budget = BUDGETS[0]
) -> list[Element]:
    """The card body of one rated item: glance band, headline, meta, summary, missing, evidence."""
    band = text_block(
        escape(glance.glance(assessment, today)),
        weight="Bolder",
        color=COLOR[assessment.label],
    )
    body: list[Element] = [
        {"type": "Container", "style": STYLE[assessment.label], "items": [band]},
        headline_block(item, budget),
        text_block(_meta(item, assessment, budget), isSubtle=True, size="Small", spacing="None"),
    ]
    if assessment.summary and budget.summary:
        body.append(text_block(escape(shorten(one_line(assessment.summary), budget.summary))))
    if budget.missing and (missing := glance.missing_line(assessment, budget.missing)):
        body.append(text_block(f"**Missing for a commitment:** {escape(shorten(missing, 300))}"))
    evidence = glance.top_evidence(assessment, budget.evidence) if budget.evidence else []
    if evidence:
        body.append(text_block("Evidence", weight="Bolder", size="Small", spacing="Medium"))
        body += [
            text_block(
                "• " + escape(glance.evidence_line(e, budget.evidence_chars)), spacing="Small"
            )
            for e in evidence
        ]
    return body


def item_actions(item: Item) -> list[Element]:
    target = safe_url(item.link)
    return [open_url(target, "Open article")] if target else []


def _fallback(item: Item, assessment: Assessment) -> str:
    return escape(glance.fallback_text(item.title or "(untitled item)", assessment))


def alert_card(
    item: Item, assessment: Assessment, today: date, budget: Budget = BUDGETS[0]
) -> Card:
    """One alert as an Adaptive Card (not yet size-checked: see ``alert_payload``)."""
    return card(
        alert_body(item, assessment, today, budget),
        actions=item_actions(item),
        fallback=_fallback(item, assessment),
    )


def alert_payload(
    item: Item, assessment: Assessment, today: date, *, max_bytes: int = MAX_BYTES
) -> dict[str, Any]:
    """The Workflows webhook message for one alert, within ``max_bytes``."""
    return envelope(fit(lambda budget: alert_card(item, assessment, today, budget), max_bytes))


class ReplyContent(Protocol):
    """What a chat reply holds (``bot.services.chat.Reply`` has this shape)."""

    @property
    def lines(self) -> list[str]: ...

    @property
    def analysis(self) -> tuple[Item, Assessment] | None: ...

    @property
    def items(self) -> list[tuple[Item, Assessment]]: ...

    @property
    def error(self) -> bool: ...


def _line_blocks(lines: Sequence[str], budget: Budget, *, error: bool = False) -> list[Element]:
    shown = [escape(shorten(one_line(line), budget.line_chars)) for line in lines[: budget.lines]]
    blocks = [text_block(line, spacing="Small") for line in shown if line]
    if len(lines) > budget.lines:
        blocks.append(text_block(f"… and {len(lines) - budget.lines} more", isSubtle=True))
    if error and blocks:
        blocks[0]["color"] = "Attention"
    return blocks


def _digest_body(
    title: str, items: Sequence[tuple[Item, Assessment]], budget: Budget
) -> list[Element]:
    body: list[Element] = [text_block(escape(shorten(title, 300)), weight="Bolder")]
    for item, assessment in items[: budget.items]:
        headline = shorten(one_line(item.title or "(untitled item)"), budget.title)
        line = f"{glance.direction(assessment)} · {assessment.clarity_band} · {headline}"
        detail = [item.source or item.feed]
        if budget.missing and assessment.missing:
            detail.append(glance.missing_line(assessment, budget.missing))
        entry: Element = {
            "type": "Container",
            "separator": True,
            "items": [
                text_block(escape(line), color=COLOR[assessment.label]),
                text_block(
                    escape(shorten(" · ".join(detail), budget.meta)),
                    isSubtle=True,
                    size="Small",
                    spacing="None",
                ),
            ],
        }
        if target := safe_url(item.link):
            entry["selectAction"] = open_url(target, "Open article")
        body.append(entry)
    if len(items) > budget.items:
        body.append(text_block(f"… and {len(items) - budget.items} more", isSubtle=True))
    return body


def reply_card(reply: ReplyContent, today: date, *, max_bytes: int = MAX_BYTES) -> Card:
    """A chat reply (text lines, an analysis or a digest) as one Adaptive Card.

    Only ``Action.OpenUrl`` actions are used, so the card is valid as an outgoing-webhook reply.
    """

    def build(budget: Budget) -> Card:
        if reply.items:
            title = reply.lines[0] if reply.lines else "Digest"
            body = _digest_body(title, reply.items, budget)
            body += _line_blocks(reply.lines[1:], budget)
            return card(body, fallback=escape(shorten(title, 200)))
        if reply.analysis is not None:
            item, assessment = reply.analysis
            deeper = replace(budget, evidence=budget.evidence * 2)
            body = _line_blocks(reply.lines, budget, error=reply.error)
            body += alert_body(item, assessment, today, deeper)
            return card(body, actions=item_actions(item), fallback=_fallback(item, assessment))
        body = _line_blocks(reply.lines or ["(no answer)"], budget, error=reply.error)
        return card(body, fallback=escape(shorten(one_line(" ".join(reply.lines)), 200)))

    return fit(build, max_bytes)


def summary_text(reply: ReplyContent, limit: int = 300) -> str:
    """A short escaped one-line summary of a reply (what a notification shows)."""
    if reply.analysis is not None:
        item, assessment = reply.analysis
        return _fallback(item, assessment)
    return escape(shorten(one_line(" ".join(reply.lines)), limit))

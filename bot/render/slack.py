"""Assessment → Slack Block Kit message. Pure; every Block Kit limit is enforced here.

Untrusted text (titles, summaries, evidence from feeds) is escaped for mrkdwn or sent as
``plain_text``, so that no feed can produce ``<!channel>``, ``<!here>``, user or group mentions,
or forged links.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any
from urllib.parse import quote

from bot.domain.models import Assessment, Item
from bot.domain.text import one_line, shorten
from bot.render import glance

Block = dict[str, Any]

MAX_BLOCKS = 50
MAX_SECTION = 3000
MAX_CONTEXT_ELEMENTS = 10
MAX_FALLBACK = 3000
_BROADCAST = re.compile(r"@(?=(here|channel|everyone)\b)", re.IGNORECASE)
_SAFE_URL = re.compile(r"^https?://[^\s]+$", re.IGNORECASE)


def escape(text: str) -> str:
    """Escape untrusted text for mrkdwn: control characters and broadcast words made inert."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@\u200b", text)


def inert(text: str) -> str:
    """Untrusted text for ``plain_text`` objects: no escaping needed, broadcasts still broken."""
    return _BROADCAST.sub("@\u200b", text)


def safe_url(url: str) -> str | None:
    """An http(s) URL fit for ``<url|label>``, or None. ``|``, ``<``, ``>`` are percent-encoded."""
    url = url.strip()
    if not _SAFE_URL.match(url) or len(url) > 3000:
        return None
    return quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")


def link(url: str, label: str) -> str:
    label = escape(shorten(one_line(label), 200)).replace("|", "¦")
    target = safe_url(url)
    return f"<{target}|{label}>" if target else label


def _plain(text: str, limit: int = MAX_SECTION) -> dict[str, Any]:
    return {"type": "plain_text", "text": inert(shorten(text, limit)) or " ", "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": shorten(text, MAX_SECTION)}


def _context(*texts: str) -> Block:
    return {"type": "context", "elements": [_mrkdwn(t) for t in texts[:MAX_CONTEXT_ELEMENTS] if t]}


def alert_message(
    item: Item,
    assessment: Assessment,
    today: date,
    *,
    mention: str | None = None,
    interactive: bool = True,
    evidence: bool = True,
) -> tuple[str, list[Block]]:
    """The fallback ``text`` and the ``blocks`` of one alert.

    ``interactive`` adds the Why? / 👍 / 👎 / Mute story buttons, which refer to the stored item;
    without ``evidence`` the missing list and evidence are left to ``why_blocks``.
    """
    title = item.title or "(untitled item)"
    headline = f"*{link(item.link, title)}*"
    meta = [escape(glance.source_line(item, assessment)), _when(item)]
    if actors := glance.actors_line(assessment):
        meta.append(escape(actors))
    if topics := glance.topics_line(assessment):
        meta.append(escape(topics))

    blocks: list[Block] = [
        {"type": "section", "text": _mrkdwn(headline)},
        _context(" · ".join(meta)),
        {"type": "section", "text": _mrkdwn(f"*{escape(glance.glance(assessment, today))}*")},
    ]
    if assessment.summary:
        blocks.append({"type": "section", "text": _plain(shorten(assessment.summary, 600))})
    if evidence and (missing := glance.missing_line(assessment)):
        blocks.append(_context(f"*Missing for a commitment:* {escape(missing)}"))
    top = glance.top_evidence(assessment) if evidence else []
    if top:
        lines = "\n".join(f"• {glance.evidence_line(e)}" for e in top)
        blocks.append({"type": "section", "text": _plain(lines, 1200)})
    buttons = action_buttons(item) if interactive else []
    if target := safe_url(item.link):
        buttons.append(_button("Open article", "open_article", url=target))
    if buttons:
        blocks.append({"type": "actions", "block_id": "alert_actions", "elements": buttons})
    text = glance.fallback_text(title, assessment)
    if mention in ("here", "channel"):
        text = f"<!{mention}> {escape(text)}"
        blocks.insert(0, {"type": "section", "text": _mrkdwn(f"<!{mention}>")})
    else:
        text = escape(text)
    return shorten(text, MAX_FALLBACK), blocks[:MAX_BLOCKS]


def _when(item: Item) -> str:
    """Publication time in the reader's own time zone (Slack's date formatting), with a fallback."""
    if item.published is None:
        return "time unknown"
    epoch = int(item.published.timestamp())
    return f"<!date^{epoch}^{{date_short_pretty}} {{time}}|{glance.when_text(item.published)}>"


def _button(text: str, action_id: str, *, value: str = "", url: str = "") -> Block:
    button: Block = {
        "type": "button",
        "text": {"type": "plain_text", "text": text, "emoji": True},
        "action_id": action_id,
    }
    if value:
        button["value"] = value[:2000]
    if url:
        button["url"] = url
    return button


def item_ref(item: Item) -> str:
    """The button value that names a stored item: ``feed`` and ``key`` as compact JSON."""
    return json.dumps({"f": item.feed, "k": item.key}, separators=(",", ":"))


def parse_item_ref(value: str) -> tuple[str, str] | None:
    try:
        data = json.loads(value)
        return str(data["f"]), str(data["k"])
    except (ValueError, KeyError, TypeError):
        return None


def action_buttons(item: Item) -> list[Block]:
    ref = item_ref(item)
    return [
        _button("Why?", "alert_why", value=ref),
        _button("👍", "alert_up", value=ref),
        _button("👎", "alert_down", value=ref),
        _button("Mute story", "alert_mute", value=ref),
    ]


def why_blocks(item: Item, assessment: Assessment) -> list[Block]:
    """The full evidence and scoring breakdown behind one rating."""
    header = f"*Why: {escape(shorten(one_line(item.title), 150))}*"
    facts = [
        f"direction {glance.direction(assessment)} ({assessment.label})",
        glance.clarity(assessment),
        "hedged" if assessment.hedged else "not hedged",
    ]
    if assessment.actors:
        facts.append("actors " + glance.actors_line(assessment))
    if assessment.topics:
        facts.append("topics " + glance.topics_line(assessment))
    blocks: list[Block] = [
        {"type": "section", "text": _mrkdwn(header)},
        _context(escape(" · ".join(facts))),
    ]
    if assessment.missing:
        blocks.append(
            _context(f"*Missing for a commitment:* {escape(glance.missing_line(assessment))}")
        )
    by_weight = sorted(assessment.evidence, key=lambda e: -abs(e.contribution))
    lines = [
        f"• {glance.evidence_line(e)}\n   “{shorten(one_line(e.sentence), 220)}”"
        for e in by_weight
        if e.kind != "relevance"
    ][:15]
    if lines:
        blocks.append({"type": "section", "text": _plain("\n".join(lines), MAX_SECTION)})
    else:
        blocks.append(
            {"type": "section", "text": _plain("No scoring cues were found in this item.")}
        )
    return blocks


def text_blocks(lines: list[str]) -> list[Block]:
    """A reply made of untrusted-safe text lines (each escaped), split across sections."""
    blocks: list[Block] = []
    chunk: list[str] = []
    size = 0
    for line in lines:
        line = escape(line)
        if size + len(line) > 2800 and chunk:
            blocks.append({"type": "section", "text": _mrkdwn("\n".join(chunk))})
            chunk, size = [], 0
        chunk.append(shorten(line, 2800))
        size += len(line) + 1
    if chunk:
        blocks.append({"type": "section", "text": _mrkdwn("\n".join(chunk))})
    return blocks[:MAX_BLOCKS]


def digest_blocks(title: str, items: list[tuple[Item, Assessment]], today: date) -> list[Block]:
    """A ranked list, one line per item: glance, linked headline, missing."""
    blocks: list[Block] = [{"type": "section", "text": _mrkdwn(f"*{escape(title)}*")}]
    for item, assessment in items[:20]:
        line = f"{escape(glance.direction(assessment))} · {assessment.clarity_band} · {link(item.link, item.title)}"
        blocks.append({"type": "section", "text": _mrkdwn(line)})
        detail = [escape(item.source or item.feed)]
        if assessment.missing:
            detail.append(escape(glance.missing_line(assessment)))
        blocks.append(_context(" · ".join(detail)))
    return blocks[:MAX_BLOCKS]


def home_view(sections: list[tuple[str, list[str]]]) -> dict[str, Any]:
    """The App Home tab: titled sections of text lines (at most 100 blocks)."""
    blocks: list[Block] = [{"type": "header", "text": {"type": "plain_text", "text": "Signalbot"}}]
    for title, lines in sections:
        blocks.append({"type": "section", "text": _mrkdwn(f"*{escape(title)}*")})
        blocks.extend(text_blocks(lines or ["(none)"]))
        blocks.append({"type": "divider"})
    return {"type": "home", "blocks": blocks[:100]}


def followup_message(
    alert_item: Item, assessment: Assessment, lead: str, story_title: str, today: date
) -> tuple[str, list[Block]]:
    """A later item of a story, for its thread: what changed first, then the compact rating."""
    source = escape(alert_item.source or alert_item.feed)
    text = escape(f"↳ {shorten(one_line(lead), 200)} · {shorten(one_line(story_title), 80)}")
    blocks: list[Block] = [
        {"type": "section", "text": _mrkdwn(f"*↳ {escape(lead)}*")},
        _context(
            f"New source: {source} · {_when(alert_item)} · story: {escape(shorten(one_line(story_title), 120))}"
        ),
        {
            "type": "section",
            "text": _mrkdwn(
                f"{link(alert_item.link, alert_item.title)}\n{escape(glance.glance(assessment, today))}"
            ),
        },
    ]
    if missing := glance.missing_line(assessment):
        blocks.append(_context(f"*Missing for a commitment:* {escape(missing)}"))
    blocks.append(
        {"type": "actions", "block_id": "alert_actions", "elements": action_buttons(alert_item)}
    )
    return shorten(text, MAX_FALLBACK), blocks


SECTIONS_PER_MESSAGE = 3  # about 8,500 characters: well inside what Slack accepts in practice


def notice_line(text: str, url: str, assessment: Assessment | None) -> str:
    rating = f"{glance.direction(assessment)} · {assessment.clarity_band} · " if assessment else ""
    return f"• {escape(rating)}{link(url, text) if url else escape(shorten(one_line(text), 200))}"


def _sections(lines: list[str], limit: int = 2800) -> list[str]:
    """Lines packed into section texts of at most ``limit`` characters (a line is never cut)."""
    sections: list[str] = []
    current: list[str] = []
    size = 0
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        if current and size + len(line) + 1 > limit:
            sections.append("\n".join(current))
            current, size = [], 0
        current.append(line)
        size += len(line) + 1
    if current:
        sections.append("\n".join(current))
    return sections


def notice_messages(title: str, lines: list[str]) -> list[tuple[str, list[Block]]]:
    """A notice as messages: the first carries the title and the first lines, later ones (posted
    in its thread) carry the rest; every line appears, each message well inside Slack's limits."""
    sections = _sections(lines)
    groups = [
        sections[i : i + SECTIONS_PER_MESSAGE]
        for i in range(0, len(sections), SECTIONS_PER_MESSAGE)
    ] or [[]]
    messages: list[tuple[str, list[Block]]] = []
    for number, group in enumerate(groups):
        blocks: list[Block] = []
        if number == 0:
            blocks.append({"type": "section", "text": _mrkdwn(f"*{escape(title)}*")})
            if len(groups) > 1:
                blocks.append(_context("The list continues in this message's thread."))
        else:
            blocks.append(
                _context(f"{escape(shorten(title, 100))} — continued ({number + 1}/{len(groups)})")
            )
        blocks.extend(
            {"type": "section", "text": {"type": "mrkdwn", "text": text}} for text in group
        )
        messages.append((escape(shorten(title, 300)), blocks))
    return messages

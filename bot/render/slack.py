"""Assessment → Slack Block Kit message. Pure; every Block Kit limit is enforced here.

Untrusted text (titles, summaries, evidence from feeds) is escaped for mrkdwn or sent as
``plain_text``, so that no feed can produce ``<!channel>``, ``<!here>``, user or group mentions,
or forged links.
"""

from __future__ import annotations

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
    item: Item, assessment: Assessment, today: date, *, mention: str | None = None
) -> tuple[str, list[Block]]:
    """The fallback ``text`` and the ``blocks`` of one alert."""
    title = item.title or "(untitled item)"
    headline = f"*{link(item.link, title)}*"
    meta = [escape(item.source or item.feed), _when(item)]
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
    if missing := glance.missing_line(assessment):
        blocks.append(_context(f"*Missing for a commitment:* {escape(missing)}"))
    evidence = glance.top_evidence(assessment)
    if evidence:
        lines = "\n".join(f"• {glance.evidence_line(e)}" for e in evidence)
        blocks.append({"type": "section", "text": _plain(lines, 1200)})
    if target := safe_url(item.link):
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "text": {"type": "plain_text", "text": "Open article"},
                        "url": target,
                        "action_id": "open_article",
                    }
                ],
            }
        )
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

"""JSON Feed 1.0 and 1.1 (https://jsonfeed.org/version/1.1) to plain-text entries."""

from __future__ import annotations

from typing import Any

from bot.adapters.sources.common import (
    MAX_ENTRIES,
    html_text,
    text_of,
    title_of,
    web_link,
    when,
)
from bot.domain.text import one_line, shorten
from bot.errors import ParseError
from bot.ports import ParsedEntry, ParsedFeed

VERSION_PREFIX = "https://jsonfeed.org/version/"


def is_json_feed(data: Any) -> bool:
    return isinstance(data, dict) and str(data.get("version", "")).startswith(VERSION_PREFIX)


def parse_json_feed(data: Any, url: str) -> ParsedFeed:
    """Entries of a JSON Feed (at most ``MAX_ENTRIES``; items that are not objects skipped)."""
    if not is_json_feed(data):
        raise ParseError(f"{url} is not a JSON Feed: no 'version' of {VERSION_PREFIX}…")
    items = data.get("items")
    if not isinstance(items, list):
        raise ParseError(f"{url} is a JSON Feed without an 'items' list")
    base = web_link(data.get("home_page_url"), url) or url
    entries = [_entry(raw, base) for raw in items[:MAX_ENTRIES] if isinstance(raw, dict)]
    return ParsedFeed(
        title=title_of(data.get("title")),
        entries=[e for e in entries if e.title or e.link or e.summary],
        kind="jsonfeed",
        hub=_websub_hub(data.get("hubs"), url),
        self_url=web_link(data.get("feed_url"), url),
    )


def _websub_hub(hubs: object, base: str) -> str:
    for hub in hubs if isinstance(hubs, list) else []:
        if isinstance(hub, dict) and str(hub.get("type", "")).lower() == "websub":
            return web_link(hub.get("url"), base)
    return ""


def _entry(raw: dict[str, Any], base: str) -> ParsedEntry:
    link = web_link(raw.get("url"), base) or web_link(raw.get("external_url"), base)
    text = (
        text_of(raw.get("content_text"))
        or html_text(raw.get("content_html"))
        or text_of(raw.get("summary"))
    )
    title = title_of(raw.get("title")) or shorten(one_line(text), 120)
    return ParsedEntry(
        guid=text_of(raw.get("id"), 1000),
        link=link,
        title=title,
        summary=text,
        published=when(raw.get("date_published")) or when(raw.get("date_modified")),
    )

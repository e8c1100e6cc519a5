"""Feed bytes to plain-text entries: well-formed RSS 2.0 and Atom 1.0 with lxml's streaming parser,
anything else with feedparser (RSS 0.9x/1.0, RDF, Atom 0.3, other encodings, broken XML)."""

from __future__ import annotations

import calendar
from datetime import UTC, datetime
from typing import Any

import feedparser

from bot.adapters.fast_feed import parse_fast
from bot.domain.text import html_to_text, one_line
from bot.errors import ParseError
from bot.ports import ParsedEntry, ParsedFeed

MAX_ENTRIES = 500
MAX_TITLE = 500
MAX_SUMMARY = 20_000


def _when(entry: Any) -> datetime | None:
    for key in ("published_parsed", "updated_parsed", "created_parsed"):
        # dict.get: FeedParserDict answers a missing updated_parsed with published_parsed and a
        # DeprecationWarning; published_parsed was tried first anyway.
        value = dict.get(entry, key)
        if value:
            try:
                return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
            except (OverflowError, ValueError, TypeError):
                continue
    return None


def _summary(entry: Any) -> str:
    content = entry.get("content") or []
    for part in content:
        value = part.get("value") if isinstance(part, dict) else None
        if value:
            return html_to_text(str(value), MAX_SUMMARY)
    return html_to_text(str(entry.get("summary") or entry.get("description") or ""), MAX_SUMMARY)


class FeedparserParser:
    """Implements ``bot.ports.FeedParser``."""

    def parse(self, body: bytes, url: str) -> ParsedFeed:
        parsed = feedparser.parse(body, sanitize_html=True, resolve_relative_uris=False)
        entries = parsed.get("entries") or []
        version = parsed.get("version") or ""
        if not entries and (parsed.get("bozo") or not version):
            reason = parsed.get("bozo_exception") or "no RSS or Atom content"
            raise ParseError(f"{url} is not a readable feed: {str(reason)[:200]}")
        feed = parsed.get("feed") or {}
        ttl = str(feed.get("ttl") or "")
        items = [
            ParsedEntry(
                guid=str(entry.get("id") or "")[:1000],
                link=str(entry.get("link") or "")[:3000],
                title=one_line(html_to_text(str(entry.get("title") or ""), MAX_TITLE)),
                summary=_summary(entry),
                published=_when(entry),
            )
            for entry in entries[:MAX_ENTRIES]
        ]
        return ParsedFeed(
            title=one_line(html_to_text(str(feed.get("title") or ""), MAX_TITLE)),
            entries=items,
            ttl_s=float(ttl) * 60 if ttl.isdigit() else None,
            hub=_link(feed, "hub"),
            self_url=_link(feed, "self"),
        )


def _link(feed: Any, rel: str) -> str:
    """The first ``atom:link`` of a relation (WebSub ``hub`` and ``self``)."""
    for link in feed.get("links") or []:
        href = str(link.get("href") or "") if isinstance(link, dict) else ""
        if link.get("rel") == rel and href.startswith(("http://", "https://")):
            return href[:2000]
    return ""


class RssAtomParser:
    """Implements ``bot.ports.FeedParser`` for RSS, Atom and RDF: the fast reader where it answers,
    feedparser for the rest; both give the same entries."""

    def __init__(self) -> None:
        self._fallback = FeedparserParser()

    def parse(self, body: bytes, url: str) -> ParsedFeed:
        feed = parse_fast(body)
        return feed if feed is not None else self._fallback.parse(body, url)

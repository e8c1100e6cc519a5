"""Builders for RSS documents used by the tests (text written for the tests)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

BASE_TIME = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def rss_item(
    guid: str, title: str, description: str, *, minutes: int = 0, link: str | None = None
) -> str:
    when = (BASE_TIME + timedelta(minutes=minutes)).strftime("%a, %d %b %Y %H:%M:%S +0000")
    return (
        f'<item><guid isPermaLink="false">{escape(guid)}</guid><title>{escape(title)}</title>'
        f"<link>{escape(link or 'https://news.example.org/' + guid)}</link>"
        f"<description>{escape(description)}</description><pubDate>{when}</pubDate></item>"
    )


def rss(items: list[str], title: str = "Test Wire") -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>https://news.example.org/</link>"
        f"<description>test feed</description>{''.join(items)}</channel></rss>"
    )


TARIFF_TITLE = "US imposes 25% tariffs on Chinese electric vehicles from 1 December"
TARIFF_TEXT = (
    "The Office of the US Trade Representative said on Thursday it will impose tariffs of 25% on "
    "electric vehicles imported from China, effective 1 December, under a Section 301 determination "
    "published in the Federal Register. Beijing's commerce ministry vowed to retaliate."
)
IRRELEVANT_TITLE = "Local bakery wins regional bread award"
IRRELEVANT_TEXT = (
    "A family bakery in the valley won first prize for its sourdough at the county fair."
)

"""Helpers every source reader shares: caps, untrusted text to plain text, dates, JSON."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from html import escape
from typing import Any
from urllib.parse import urljoin, urlsplit

from bot.domain.text import html_to_text, one_line
from bot.errors import ParseError

MAX_ENTRIES = 500
MAX_TITLE = 500
MAX_SUMMARY = 20_000
MAX_LINK = 3000
_BOM = b"\xef\xbb\xbf"
_ISO_DAY = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})")


def text_of(value: object, limit: int = MAX_SUMMARY) -> str:
    """Plain text from an untrusted string (entities decoded, control characters removed);
    anything that is not a string or number is empty."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return ""
    return html_to_text(escape(str(value), quote=False), limit)


def title_of(value: object) -> str:
    return one_line(text_of(value, MAX_TITLE))


def html_text(value: object, limit: int = MAX_SUMMARY) -> str:
    """Plain text of an untrusted HTML fragment."""
    return html_to_text(value, limit) if isinstance(value, str) else ""


def web_link(value: object, base: str) -> str:
    """An absolute http(s) URL, or "" for anything else (javascript:, data:, not a string)."""
    if not isinstance(value, str) or not value.strip():
        return ""
    url = urljoin(base, value.strip())
    return url[:MAX_LINK] if urlsplit(url).scheme in ("http", "https") else ""


def when(value: object) -> datetime | None:
    """An RFC 3339 / ISO 8601 timestamp or date as an aware UTC datetime; None if unreadable."""
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        day = day_of(text)
        return datetime(day.year, day.month, day.day, tzinfo=UTC) if day else None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def day_of(value: object) -> date | None:
    """The first ``YYYY-MM-DD`` (or ``/``, ``.``) date in a string."""
    if not isinstance(value, str):
        return None
    match = _ISO_DAY.search(value)
    if not match:
        return None
    try:
        return date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def load_json(body: bytes, url: str) -> Any:
    try:
        return json.loads(body.removeprefix(_BOM))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise ParseError(f"{url} is not valid JSON: {str(exc)[:200]}") from None


def looks_like_json(body: bytes) -> bool:
    return body.removeprefix(_BOM).lstrip()[:1] in (b"{", b"[")


def looks_like_html(body: bytes) -> bool:
    head = body.removeprefix(_BOM).lstrip()[:2048].lower()
    return head.startswith((b"<!doctype html", b"<html")) or (
        b"<html" in head and b"<rss" not in head and b"<feed" not in head
    )

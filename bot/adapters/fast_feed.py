"""Well-formed RSS 2.0 and Atom 1.0 read with lxml's streaming parser, several times faster than
feedparser and giving exactly the entries feedparser gives.

The reader is deliberately narrow: it answers ``None`` for anything it does not fully understand
(another encoding than UTF-8, a DOCTYPE, malformed XML, xml:base, markup inside a text element,
an element that feedparser would map onto a title, summary, link or date, duplicates, RSS 1.0,
Atom 0.3 …), and the caller then parses the document with feedparser. Where it does answer, each
value goes through the same steps feedparser applies (its HTML sanitiser, URI joining, date parser
and encoding repairs), so the bot sees the same text whichever path read the feed.
"""

from __future__ import annotations

import calendar
import contextlib
import re
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from io import BytesIO
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.mixin import _FeedParserMixin
from feedparser.sanitizer import _sanitize_html
from feedparser.urls import _urljoin
from lxml import etree

from bot.domain.text import html_to_text, one_line
from bot.ports import ParsedEntry, ParsedFeed

MAX_ENTRIES = 500
MAX_TITLE = 500
MAX_SUMMARY = 20_000

_ATOM = "{http://www.w3.org/2005/Atom}"
_CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
_DC = "{http://purl.org/dc/elements/1.1/}"
_SY = "{http://purl.org/rss/1.0/modules/syndication/}"
_MEDIA = "{http://search.yahoo.com/mrss/}"
# Common extension elements feedparser keeps under keys of their own (when they have no children).
_EXTRAS = frozenset(
    [_MEDIA + "content", _MEDIA + "thumbnail", _DC + "subject", _DC + "creator"]
    + ["{http://purl.org/rss/1.0/modules/slash/}comments"]
    + ["{http://wellformedweb.org/commentAPI/}" + n for n in ("comment", "commentRss")]
    + ["{http://rssnamespace.org/feedburner/ext/1.0}origLink"]
)

# Children whose meaning is known and which feed nothing the bot reads, or only what is read here.
_RSS_CHANNEL = frozenset(
    ("title", "link", "description", "language", "copyright", "managingEditor", "webMaster",
     "pubDate", "lastBuildDate", "category", "generator", "docs", "cloud", "ttl", "image",
     "rating", "skipHours", "skipDays", "item", _ATOM + "link", _SY + "updatePeriod",
     _SY + "updateFrequency", _SY + "updateBase")
)  # fmt: skip
_RSS_ITEM = _EXTRAS | frozenset(
    ("title", "link", "description", "guid", "pubDate", "category", "author", "comments",
     "enclosure", _CONTENT, _DC + "date")
)  # fmt: skip
_ATOM_FEED = frozenset(
    _ATOM + name
    for name in ("id", "title", "subtitle", "link", "updated", "author", "contributor",
                 "category", "generator", "icon", "logo", "rights", "entry")
)  # fmt: skip
_ATOM_ENTRY = _EXTRAS | frozenset(
    _ATOM + name
    for name in ("id", "title", "link", "summary", "content", "published", "updated", "author",
                 "contributor", "category", "rights")
)  # fmt: skip
_ONCE = frozenset(
    ["title", "link", "description", "guid", "pubDate", _CONTENT, _DC + "date"]
    + [_ATOM + n for n in ("id", "title", "summary", "content", "published", "updated")]
)
_TEXT_TYPES = {"text": "text/plain", "plain": "text/plain", "html": "text/html"}
_DECLARED = re.compile(rb"^<\?xml[^>]*?encoding\s*=\s*[\"']([^\"']*)[\"']")
_RFC822 = re.compile(
    r"(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), )?\d{1,2} "
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} "
    r"(?:GMT|UTC|[+-]\d{4})"
)
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,6})?(?:Z|[+-]\d{2}:\d{2})")
# HTML that feedparser's sanitiser leaves as the bot's own cleaning reads it (tags without
# attributes, the common entities); anything else goes through the sanitiser.
_SIMPLE_HTML = re.compile(
    r"(?:[^<&]|&(?:amp|lt|gt|quot|apos|nbsp|#[1-9]\d{1,4});"
    r"|</?(?:p|b|i|em|strong|li|ul|ol|h[1-4]|blockquote|span|div)>|<br\s*/?>)*"
)
_ENTITY_IN_LINK = re.compile("&([A-Za-z0-9_]+);")
_looks_like_html = _FeedParserMixin.looks_like_html


class _FallbackError(Exception):
    """The document needs feedparser."""


def parse_fast(body: bytes) -> ParsedFeed | None:
    """The feed, or None when feedparser has to read it."""
    if not _plain_utf8(body):
        return None
    try:
        return _read(body)
    except (_FallbackError, etree.LxmlError, ValueError, OverflowError):
        return None


def _plain_utf8(body: bytes) -> bool:
    head = body.removeprefix(b"\xef\xbb\xbf")
    if head[:2] in (b"\xff\xfe", b"\xfe\xff") or b"<!DOCTYPE" in body or b"<!ENTITY" in body:
        return False
    if head.startswith(b"<?xml") and not head.startswith(
        (b'<?xml version="1.0"', b"<?xml version='1.0'")
    ):
        return False  # XML 1.1, or a declaration feedparser's strict parser may read otherwise
    declared = _DECLARED.match(head[:200])
    return declared is None or declared.group(1).lower() == b"utf-8"


def _read(body: bytes) -> ParsedFeed:
    events = etree.iterparse(
        BytesIO(body),
        events=("start", "end"),
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        remove_pis=False,
    )
    root: Any = None
    entries: list[ParsedEntry] = []
    count = 0
    for event, element in events:
        if root is None:
            root = element
            if element.tag not in ("rss", _ATOM + "feed"):
                raise _FallbackError
        if event == "start":
            _check_attributes(element)
            continue
        tag = element.tag
        if tag in ("item", _ATOM + "entry"):
            parent = element.getparent()
            if parent is None or parent.tag not in ("channel", _ATOM + "feed"):
                raise _FallbackError
            if count < MAX_ENTRIES:
                entries.append(_rss_entry(element) if tag == "item" else _atom_entry(element))
            count += 1
            element.clear(keep_tail=True)
    if root.tag == "rss":
        channels = list(root)
        if len(channels) != 1 or channels[0].tag != "channel":
            raise _FallbackError
        feed = _rss_feed(channels[0], entries)
    else:
        feed = _atom_feed(root, entries)
    if not feed.entries:
        raise _FallbackError  # feedparser decides what an empty document is
    return feed


def _check_attributes(element: Any) -> None:
    if not isinstance(element.tag, str):
        raise _FallbackError
    for key in element.attrib:
        local = key.rpartition("}")[2]
        if local.lower() == "base" or (local != local.lower() and local != "isPermaLink"):
            raise _FallbackError


def _children(element: Any, allowed: frozenset[str]) -> dict[str, Any]:
    """The element's children by tag (the first of each), refusing unknown or repeated ones."""
    found: dict[str, Any] = {}
    links: list[Any] = []
    for child in element:
        tag = child.tag
        if not isinstance(tag, str):
            continue  # a comment or processing instruction between elements
        if tag not in allowed or (tag in _EXTRAS and len(child)):
            raise _FallbackError
        if tag == _ATOM + "link":
            links.append(child)
        elif tag in found:
            if tag in _ONCE:
                raise _FallbackError
        else:
            found[tag] = child
    found[_ATOM + "link"] = links
    return found


def _rss_feed(channel: Any, entries: list[ParsedEntry]) -> ParsedFeed:
    parts = _children(channel, _RSS_CHANNEL)
    ttl = _plain(parts["ttl"]) if "ttl" in parts else ""
    hub, self_url = _feed_links(parts[_ATOM + "link"])
    return ParsedFeed(
        title=_title(parts.get("title"), atom=False),
        entries=entries,
        ttl_s=float(ttl) * 60 if ttl.isdigit() else None,
        hub=hub,
        self_url=self_url,
    )


def _atom_feed(feed: Any, entries: list[ParsedEntry]) -> ParsedFeed:
    parts = _children(feed, _ATOM_FEED)
    hub, self_url = _feed_links(parts[_ATOM + "link"])
    return ParsedFeed(
        title=_title(parts.get(_ATOM + "title"), atom=True),
        entries=entries,
        hub=hub,
        self_url=self_url,
    )


def _rss_entry(item: Any) -> ParsedEntry:
    parts = _children(item, _RSS_ITEM)
    if parts[_ATOM + "link"]:
        raise _FallbackError
    guid = parts.get("guid")
    guid_is_link = guid is not None and _permalink(guid)
    guid_text = _uri(guid, join=guid_is_link) if guid is not None else ""
    link = parts.get("link")
    if link is not None and len(link.attrib):
        raise _FallbackError
    if link is not None:
        link_text = _link_text(_uri(link, join=True))
    else:
        link_text = guid_text if guid_is_link else ""
    summary = _summary(parts.get(_CONTENT), parts.get("description"), "text/html", atom=False)
    return ParsedEntry(
        guid=guid_text[:1000],
        link=link_text[:3000],
        title=_title(parts.get("title"), atom=False),
        summary=html_to_text(summary, MAX_SUMMARY),
        published=_when(parts.get("pubDate"), parts.get(_DC + "date")),
    )


def _atom_entry(entry: Any) -> ParsedEntry:
    parts = _children(entry, _ATOM_ENTRY)
    ident = parts.get(_ATOM + "id")
    permalink = ident is not None and _permalink(ident)
    guid_text = _uri(ident, join=permalink) if ident is not None else ""
    link_text = guid_text if permalink else ""
    for link in parts[_ATOM + "link"]:
        rel, kind, href = _link_attributes(link)
        if (
            href is not None
            and rel == "alternate"
            and kind in ("text/html", "application/xhtml+xml")
        ):
            link_text = href
    content = parts.get(_ATOM + "content")
    if content is not None and content.get("src") is not None:
        raise _FallbackError
    summary = _summary(content, parts.get(_ATOM + "summary"), "text/plain", atom=True)
    return ParsedEntry(
        guid=guid_text[:1000],
        link=link_text[:3000],
        title=_title(parts.get(_ATOM + "title"), atom=True),
        summary=html_to_text(summary, MAX_SUMMARY),
        published=_when(parts.get(_ATOM + "published"), parts.get(_ATOM + "updated")),
    )


def _permalink(guid: Any) -> bool:
    if "isPermaLink" in guid.attrib and "ispermalink" in guid.attrib:
        raise _FallbackError
    return str(guid.get("isPermaLink", guid.get("ispermalink", "true"))) == "true"


def _feed_links(links: list[Any]) -> tuple[str, str]:
    """The first ``hub`` and ``self`` links, as the feedparser path picks them."""
    found: dict[str, str] = {}
    for link in links:
        rel, _kind, href = _link_attributes(link)
        if href.startswith(("http://", "https://")):
            found.setdefault(rel, href[:2000])
    return found.get("hub", ""), found.get("self", "")


def _link_attributes(link: Any) -> tuple[str, str, str]:
    if len(link) or (link.text or "").strip():
        raise _FallbackError
    if "url" in link.attrib or "uri" in link.attrib:
        raise _FallbackError
    rel = link.get("rel", "alternate").lower().replace("&amp;", "&")
    default = "application/atom+xml" if rel == "self" else "text/html"
    kind = _content_type(link.get("type", default).replace("&amp;", "&"))
    href = link.get("href")
    if not href:
        raise _FallbackError  # feedparser then takes the element's text as the link
    return rel, kind, _fix(_urljoin("", href.replace("&amp;", "&")))


def _title(element: Any, *, atom: bool) -> str:
    if element is None:
        return ""
    return one_line(html_to_text(_html_value(element, "text/plain", atom=atom), MAX_TITLE))


def _summary(content: Any, short: Any, default_type: str, *, atom: bool) -> str:
    """The entry's full content when it has text, else its summary (or description), else ""."""
    text = _html_value(content, default_type, atom=atom) if content is not None else ""
    if not text and short is not None:
        text = _html_value(short, default_type, atom=atom)
    return text


def _html_value(element: Any, default_type: str, *, atom: bool) -> str:
    """A text element as feedparser hands it on (HTML sanitised, encodings repaired), or simple
    HTML that the bot's cleaning turns into the same text."""
    if element.get("mode") is not None:
        raise _FallbackError
    kind = _content_type(element.get("type", default_type))
    if kind not in ("text/plain", "text/html"):
        raise _FallbackError
    value = _plain(element)
    if not atom and kind == "text/plain" and _looks_like_html(value):
        kind = "text/html"
    if kind == "text/html" and ("<" in value or "&" in value) and not _SIMPLE_HTML.fullmatch(value):
        value = _sanitize_html(value, "utf-8", kind)
    return _fix(value)


def _content_type(value: str) -> str:
    value = value.lower()
    return _TEXT_TYPES.get(value, "application/xhtml+xml" if value == "xhtml" else value)


def _plain(element: Any) -> str:
    if len(element):
        raise _FallbackError  # markup, a comment or an entity reference inside a text element
    return str(element.text or "").strip()


def _uri(element: Any, *, join: bool) -> str:
    value = _plain(element)
    return _fix(_urljoin("", value) if join and value else value)


def _link_text(value: str) -> str:
    return _ENTITY_IN_LINK.sub(r"&\g<1>", value.replace("&amp;", "&"))


def _fix(value: str) -> str:
    """feedparser's repairs of text decoded from UTF-8: double-encoded UTF-8 and C1 controls."""
    if value.isascii():
        return value
    with contextlib.suppress(UnicodeEncodeError, UnicodeDecodeError):
        value = value.encode("iso-8859-1").decode("utf-8")
    return value.translate(_cp1252)


def _when(published: Any, updated: Any) -> datetime | None:
    for element in (published, updated):
        if element is None:
            continue
        moment = _date(_fix(_plain(element)))
        if moment is not None:
            return moment
    return None


def _date(text: str) -> datetime | None:
    """A timestamp as the feedparser path reads it: UTC, whole seconds."""
    try:
        if _RFC822.fullmatch(text):
            moment = parsedate_to_datetime(text)
        elif _ISO.fullmatch(text):
            moment = datetime.fromisoformat(text)
        else:
            return _struct_to_datetime(_parse_date(text))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        return moment.astimezone(UTC).replace(microsecond=0)
    except (ValueError, OverflowError):
        return _struct_to_datetime(_parse_date(text))


def _struct_to_datetime(value: time.struct_time | None) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), tz=UTC)
    except (OverflowError, ValueError, TypeError):
        return None

"""HTML pages: feed autodiscovery (``<link rel="alternate">``) and announcement list pages read
with CSS selectors (selectolax's Lexbor engine). Scripts, styles and templates are dropped before
any text is read; text is plain and links are absolute http(s) only."""

from __future__ import annotations

from datetime import UTC, datetime

from selectolax.lexbor import LexborHTMLParser, LexborNode, SelectolaxError

from bot.adapters.sources.common import (
    MAX_ENTRIES,
    MAX_SUMMARY,
    text_of,
    title_of,
    web_link,
    when,
)
from bot.domain.config import HtmlSelectors
from bot.errors import ParseError
from bot.ports import ParsedEntry, ParsedFeed

FEED_TYPES = {
    "application/rss+xml": "RSS",
    "application/atom+xml": "Atom",
    "application/feed+json": "JSON Feed",
    "application/rdf+xml": "RDF",
}
_SKIP = ["script", "style", "noscript", "template", "iframe", "object"]
_DATE_FORMATS = (
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%b. %d, %Y",
    "%d.%m.%Y",
    "%Y年%m月%d日",
)


def _tree(body: bytes) -> LexborHTMLParser:
    tree = LexborHTMLParser(body.decode("utf-8", "replace"))
    tree.strip_tags(_SKIP)
    return tree


def _base(tree: LexborHTMLParser, url: str) -> str:
    base = tree.css_first("base[href]")
    return web_link(base.attributes.get("href"), url) if base else url


def discover_feeds(body: bytes, url: str) -> list[tuple[str, str, str]]:
    """``(url, title, type)`` of the feeds a page announces with ``<link rel="alternate">``."""
    tree = _tree(body)
    base = _base(tree, url) or url
    found: list[tuple[str, str, str]] = []
    for node in tree.css("link[rel][href]"):
        rel = (node.attributes.get("rel") or "").lower().split()
        kind = FEED_TYPES.get((node.attributes.get("type") or "").split(";")[0].strip().lower())
        href = web_link(node.attributes.get("href"), base)
        if "alternate" in rel and kind and href and href not in {f[0] for f in found}:
            found.append((href, title_of(node.attributes.get("title")), kind))
    return found[:20]


def _select(node: LexborNode | LexborHTMLParser, selector: str, what: str) -> list[LexborNode]:
    try:
        return list(node.css(selector))
    except SelectolaxError:
        raise ParseError(f"the {what} selector {selector!r} is not valid CSS") from None


def _first(node: LexborNode, selector: str, what: str) -> LexborNode | None:
    if not selector:
        return None
    found = _select(node, selector, what)
    return found[0] if found else None


def _text(node: LexborNode | None, limit: int) -> str:
    return text_of(node.text(separator=" ", strip=True), limit) if node is not None else ""


def _date(node: LexborNode | None) -> datetime | None:
    if node is None:
        return None
    for value in (node.attributes.get("datetime"), node.attributes.get("content")):
        if parsed := when(value):
            return parsed
    text = " ".join(node.text(separator=" ", strip=True).split())[:100]
    if parsed := when(text):
        return parsed
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).replace(tzinfo=UTC)
        except ValueError:
            continue
    return None


def parse_html_list(body: bytes, url: str, select: HtmlSelectors) -> ParsedFeed:
    """Entries of an announcement list page; raises ``ParseError`` when the item selector
    matches nothing (the page changed its layout, or the selector is wrong)."""
    tree = _tree(body)
    base = _base(tree, url) or url
    nodes = _select(tree, select.item, "item")
    if not nodes:
        raise ParseError(f"the item selector {select.item!r} matches nothing on {url}")
    entries = []
    for node in nodes[:MAX_ENTRIES]:
        link_node = _first(node, select.link, "link") if select.link else None
        if link_node is None and not select.link:
            link_node = node if node.tag == "a" else _first(node, "a[href]", "link")
        link = web_link(link_node.attributes.get("href"), base) if link_node else ""
        title_node = _first(node, select.title, "title") if select.title else link_node
        title = title_of(_text(title_node if title_node is not None else node, 500))
        if not (title or link):
            continue
        entries.append(
            ParsedEntry(
                guid=link,
                link=link,
                title=title,
                summary=_text(_first(node, select.text, "text"), MAX_SUMMARY),
                published=_date(_first(node, select.date, "date")),
            )
        )
    page_title = tree.css_first("title")
    return ParsedFeed(title=title_of(_text(page_title, 500)), entries=entries, kind="html")

"""Source kinds behind the one ``FeedParser`` port: RSS/Atom/RDF (lxml, feedparser as the fallback), JSON Feed, the
Federal Register documents API and HTML announcement pages. A spec's ``kind`` chooses; without
one the body decides where it is unambiguous, and a web page answers with the feeds it links to.
"""

from __future__ import annotations

from bot.adapters.feed_parse import RssAtomParser
from bot.adapters.sources.common import load_json, looks_like_html, looks_like_json
from bot.adapters.sources.federal_register import is_federal_register, parse_federal_register
from bot.adapters.sources.html_page import discover_feeds, parse_html_list
from bot.adapters.sources.jsonfeed import is_json_feed, parse_json_feed
from bot.domain.config import FeedSpec
from bot.errors import NotAFeedError, ParseError
from bot.ports import ParsedFeed


class SourceParser:
    """Implements ``bot.ports.FeedParser`` for every source kind."""

    def __init__(self) -> None:
        self._rss = RssAtomParser()

    def parse(self, body: bytes, url: str, spec: FeedSpec | None = None) -> ParsedFeed:
        kind = spec.kind if spec else None
        if spec is not None and spec.select is not None:
            return parse_html_list(body, url, spec.select)
        if kind == "jsonfeed":
            return parse_json_feed(load_json(body, url), url)
        if kind == "federal-register":
            return parse_federal_register(load_json(body, url), url)
        if kind is None and looks_like_json(body):
            data = load_json(body, url)
            if is_json_feed(data):
                return parse_json_feed(data, url)
            if is_federal_register(data):
                return parse_federal_register(data, url)
            raise ParseError(
                f"{url} is JSON but neither a JSON Feed nor a Federal Register documents response"
            )
        try:
            return self._rss.parse(body, url)
        except ParseError:
            if looks_like_html(body):
                raise NotAFeedError(url, discover_feeds(body, url)) from None
            raise


__all__ = ["SourceParser", "discover_feeds"]

"""Fetching one web page for on-demand analysis: main text through trafilatura, falling back to
the page's description; every hop checked against the address guard (and the client given is
expected to pin its connections to checked addresses, see ``net_guard.guarded_client``); size-
and time-capped, the cap applied while the body is decompressed."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import httpx

from bot.adapters.feed_parse import RssAtomParser
from bot.adapters.http_body import ACCEPT_ENCODING
from bot.adapters.httpx_exchange import read_capped
from bot.adapters.net_guard import AddressGuard
from bot.domain.models import Article
from bot.domain.text import html_to_text, one_line
from bot.errors import FetchError, HTTPStatusError, ParseError

MAX_REDIRECTS = 5


class WebArticleFetcher:
    """Implements ``bot.ports.ArticleFetcher``."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        guard: AddressGuard,
        *,
        max_body_bytes: int = 5_000_000,
        timeout_s: float = 15.0,
    ) -> None:
        self._client = client
        self._guard = guard
        self._max_body = max_body_bytes
        self._timeout = timeout_s

    async def fetch_article(self, url: str) -> Article:
        try:
            async with asyncio.timeout(self._timeout):
                body, content_type, final_url = await self._get(url)
        except TimeoutError as exc:
            raise FetchError(url, f"no answer within {self._timeout:g}s") from exc
        return await asyncio.to_thread(extract, body, content_type, final_url)

    async def _get(self, url: str) -> tuple[bytes, str, str]:
        for _ in range(MAX_REDIRECTS + 1):
            await self._guard.check(url)
            try:
                async with self._client.stream(
                    "GET", url, follow_redirects=False, headers={"Accept-Encoding": ACCEPT_ENCODING}
                ) as response:
                    if response.is_redirect:
                        url = str(response.url.join(response.headers.get("Location", "")))
                        continue
                    if response.status_code >= 400:
                        raise HTTPStatusError(url, response.status_code)
                    body = await read_capped(url, response, self._max_body)
                    return body, response.headers.get("Content-Type", ""), url
            except httpx.HTTPError as exc:
                raise FetchError(url, exc.__class__.__name__) from exc
        raise FetchError(url, f"more than {MAX_REDIRECTS} redirects")


def extract(body: bytes, content_type: str, url: str) -> Article:
    """Title and main text of a page (or the first entry of a feed), plain text only."""
    if "xml" in content_type or body.lstrip()[:5] in (b"<?xml", b"<rss ", b"<feed"):
        try:
            feed = RssAtomParser().parse(body, url)
        except ParseError:
            feed = None
        if feed and feed.entries:
            first = feed.entries[0]
            return Article(title=first.title, text=first.summary, published=first.published)
    import trafilatura  # a quarter second to import; only `analyze URL` and `/signal analyze` need it

    html = body.decode("utf-8", "replace")
    text = trafilatura.extract(html, include_comments=False, include_tables=False) or ""
    meta = trafilatura.extract_metadata(html)
    title = one_line(html_to_text(meta.title or "")) if meta else ""
    description = html_to_text(meta.description or "") if meta else ""
    published = _date(meta.date) if meta and meta.date else None
    text = text.strip() or description
    if not text and not title:
        raise ParseError(f"no article text found at {url}")
    return Article(title=title, text=text, published=published)


def _date(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None

"""Parts of the app that are built, and their libraries imported, when first used.

A cron ``poll --once`` that finds no feed due fetches nothing, parses nothing and sends nothing;
it should not pay for httpx and its TLS context, the feed parsers (feedparser, lxml), the
article fetcher, the Teams notifier or the chat service. Each stand-in below implements its port
by building the real object on its first call (``bot.app`` says how), and ``HttpClients`` opens
each HTTP client the first time one is asked for.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot.domain.config import FeedSpec, Polling
from bot.domain.models import Article
from bot.ports import (
    Alert,
    ArticleFetcher,
    FeedFetcher,
    FeedParser,
    FetchResult,
    HubClient,
    Notice,
    Notifier,
    ParsedFeed,
)

if TYPE_CHECKING:
    import aiohttp
    import httpx

    from bot.adapters.net_guard import AddressGuard


class OnFirstUse[T]:
    """Builds its object the first time it is needed."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build = build
        self._built: T | None = None

    def get(self) -> T:
        if self._built is None:
            self._built = self._build()
        return self._built


class ParserOnUse(OnFirstUse[FeedParser]):
    def parse(self, body: bytes, url: str, spec: FeedSpec | None = None) -> ParsedFeed:
        return self.get().parse(body, url, spec)


class FetcherOnUse(OnFirstUse[FeedFetcher]):
    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        return await self.get().fetch(url, etag=etag, last_modified=last_modified)


class ArticlesOnUse(OnFirstUse[ArticleFetcher]):
    async def fetch_article(self, url: str) -> Article:
        return await self.get().fetch_article(url)


class NotifierOnUse(OnFirstUse[Notifier]):
    async def send(self, alert: Alert) -> str:
        return await self.get().send(alert)

    async def send_notice(self, notice: Notice) -> str:
        return await self.get().send_notice(notice)


class HubsOnUse(OnFirstUse[HubClient]):
    async def request(self, hub: str, form: dict[str, str]) -> None:
        await self.get().request(hub, form)


class GuardOnUse(OnFirstUse["AddressGuard"]):
    async def check(self, url: str) -> None:
        await self.get().check(url)


def address_guard(allow: list[str]) -> AddressGuard:
    from bot.adapters.net_guard import AddressGuard

    return AddressGuard(allow)


class HttpClients:
    """The process's HTTP clients, each opened when first asked for: ``feeds`` (aiohttp) for
    the configured feeds; ``trusted`` for webhooks and hubs; ``untrusted`` for chat-added feeds
    and analyze URLs (every hop checked by ``guard``, connections pinned to the addresses
    checked)."""

    def __init__(self, policy: Polling, guard: GuardOnUse) -> None:
        self._policy = policy
        self._guard = guard
        self._trusted: httpx.AsyncClient | None = None
        self._untrusted: httpx.AsyncClient | None = None
        self._feeds: aiohttp.ClientSession | None = None

    def _options(self) -> tuple[httpx.Timeout, dict[str, str]]:
        import httpx

        from bot.adapters.http_body import USER_AGENT

        timeout = httpx.Timeout(self._policy.timeout.total_seconds(), connect=10.0)
        return timeout, {"User-Agent": USER_AGENT}

    def trusted(self) -> httpx.AsyncClient:
        if self._trusted is None:
            import httpcore
            import httpx

            from bot.adapters.http_pool import pooled_client
            from bot.adapters.tls import shared_ssl_context

            timeout, headers = self._options()
            limits = httpx.Limits(
                max_connections=max(20, self._policy.concurrency), max_keepalive_connections=20
            )
            self._trusted = pooled_client(
                httpcore.AnyIOBackend(),
                shared_ssl_context(),
                limits,
                timeout=timeout,
                follow_redirects=True,
                headers=headers,
            )
        return self._trusted

    def feeds(self) -> aiohttp.ClientSession:
        if self._feeds is None:
            from bot.adapters.aiohttp_exchange import feed_session
            from bot.adapters.tls import shared_ssl_context

            self._feeds = feed_session(
                shared_ssl_context(),
                connections=max(20, self._policy.concurrency),
                connect_timeout_s=10.0,
            )
        return self._feeds

    def untrusted(self) -> httpx.AsyncClient:
        if self._untrusted is None:
            from bot.adapters.net_guard import guarded_client

            timeout, headers = self._options()
            self._untrusted = guarded_client(
                self._guard.get(), timeout=timeout, follow_redirects=True, headers=headers
            )
        return self._untrusted

    async def aclose(self) -> None:
        """Close the clients that were opened."""
        trusted, untrusted, feeds = self._trusted, self._untrusted, self._feeds
        self._trusted = self._untrusted = self._feeds = None
        try:
            if feeds is not None:
                await feeds.close()
        finally:
            try:
                if trusted is not None:
                    await trusted.aclose()
            finally:
                if untrusted is not None:
                    await untrusted.aclose()

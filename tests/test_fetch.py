"""The feed fetcher against a real HTTP server on loopback, over both of its exchanges (aiohttp
for configured feeds, httpx for chat-added ones), and the feed parser."""

import asyncio
import contextlib
import zlib
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import httpx
import pytest

from bot.adapters.aiohttp_exchange import AiohttpExchange, environment_steers_requests, feed_session
from bot.adapters.feed_parse import FeedparserParser
from bot.adapters.http_body import parse_retry_after
from bot.adapters.http_fetch import Exchange, HttpFeedFetcher
from bot.adapters.httpx_exchange import HttpxExchange
from bot.adapters.tls import shared_ssl_context
from bot.errors import BodyTooLargeError, FetchError, HTTPStatusError, ParseError
from tests.support.feeds import rss, rss_item
from tests.support.servers import FeedServer

BODY = rss([rss_item("a1", "Title", "Body")])


@pytest.fixture(params=["aiohttp", "httpx"])
async def client(request: pytest.FixtureRequest) -> AsyncIterator[Exchange]:
    """An exchange of each kind, closed after the test."""
    if request.param == "httpx":
        async with httpx.AsyncClient(timeout=5, follow_redirects=True) as c:
            yield HttpxExchange(c)
    else:
        session = feed_session(shared_ssl_context(), connections=20, connect_timeout_s=5)
        try:
            yield AiohttpExchange(session)
        finally:
            await session.close()


def fetcher(client: Exchange, **kwargs: object) -> HttpFeedFetcher:
    return HttpFeedFetcher(client, backoff_initial=0.01, backoff_max=0.05, **kwargs)  # type: ignore[arg-type]


async def test_conditional_get_gets_304_when_unchanged(feeds: FeedServer, client: Exchange) -> None:
    url = feeds.set("/feed", BODY, etag='"v1"')
    first = await fetcher(client).fetch(url)
    assert first.body == BODY.encode()
    assert first.etag == '"v1"'
    second = await fetcher(client).fetch(url, etag=first.etag)
    assert second.not_modified
    assert feeds.requests[-1][1]["if-none-match"] == '"v1"'


async def test_transient_errors_are_retried(feeds: FeedServer, client: Exchange) -> None:
    url = feeds.set("/flaky", BODY, fail_times=2, fail_status=503)
    result = await fetcher(client).fetch(url)
    assert result.body == BODY.encode()
    assert feeds.hits("/flaky") == 3


async def test_permanent_errors_are_not_retried(feeds: FeedServer, client: Exchange) -> None:
    url = feeds.base + "/missing"
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher(client).fetch(url)
    assert caught.value.status == 404
    assert feeds.hits("/missing") == 1


async def test_retry_after_is_reported_when_retries_run_out(
    feeds: FeedServer, client: Exchange
) -> None:
    url = feeds.set("/busy", BODY, fail_times=5, fail_status=429, fail_headers={"Retry-After": "0"})
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher(client, attempts=2).fetch(url)
    assert caught.value.status == 429
    assert caught.value.retry_after == 0
    assert feeds.hits("/busy") == 2


async def test_oversized_bodies_are_refused(feeds: FeedServer, client: Exchange) -> None:
    url = feeds.set("/huge", b"x" * 50_000)
    with pytest.raises(BodyTooLargeError):
        await fetcher(client, max_body_bytes=10_000).fetch(url)


async def test_connection_refused_is_a_fetch_error(client: Exchange) -> None:
    with pytest.raises(FetchError):
        await fetcher(client, attempts=1).fetch("http://127.0.0.1:9/feed")


async def test_file_urls_are_read(tmp_path: Path, client: Exchange) -> None:
    path = tmp_path / "f.xml"
    path.write_text(BODY)
    assert (await fetcher(client).fetch(path.as_uri())).body == BODY.encode()
    with pytest.raises(FetchError, match="No such file"):
        await fetcher(client).fetch((tmp_path / "nope.xml").as_uri())


def test_retry_after_accepts_seconds_and_dates() -> None:
    assert parse_retry_after("120") == 120
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0
    assert parse_retry_after("soon") is None


def test_parser_returns_plain_text_entries() -> None:
    feed = FeedparserParser().parse(
        rss(
            [rss_item("g1", "<b>Bold</b> &amp; title", "<p>Para <script>x()</script>one</p>")],
            "Wire <i>X</i>",
        ).encode(),
        "https://x.org/rss",
    )
    assert feed.title == "Wire X"
    [entry] = feed.entries
    assert entry.title == "Bold & title"
    assert entry.summary == "Para one"
    assert entry.guid == "g1"
    assert entry.published is not None


def test_parser_refuses_what_is_not_a_feed() -> None:
    with pytest.raises(ParseError, match="not a readable feed"):
        FeedparserParser().parse(b"<html><body>hello</body></html>", "https://x.org/")
    with pytest.raises(ParseError):
        FeedparserParser().parse(b"\x00\x01garbage", "https://x.org/")


async def test_a_retry_never_comes_sooner_than_retry_after(client: Exchange) -> None:
    error = HTTPStatusError("https://x.example/feed", 503, retry_after=7.0)
    waits = [fetcher(client).retry_wait(attempt, error) for attempt in (1, 2, 3)]
    assert min(waits) >= 7.0


async def test_a_retry_after_longer_than_the_deadline_is_left_to_the_schedule(
    feeds: FeedServer, client: Exchange
) -> None:
    url = feeds.set(
        "/busy", BODY, fail_times=5, fail_status=429, fail_headers={"Retry-After": "3600"}
    )
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher(client, timeout_s=5).fetch(url)
    assert caught.value.retry_after == 3600
    assert feeds.hits("/busy") == 1  # not re-requested within the cycle


@contextlib.asynccontextmanager
async def raw_server(
    answer: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> AsyncIterator[str]:
    """A loopback server that answers each connection with ``answer``; yields its base URL."""
    writers: list[asyncio.StreamWriter] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writers.append(writer)
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            await answer(reader, writer)
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()


async def test_one_deadline_covers_a_body_that_trickles(client: Exchange) -> None:
    async def trickle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
        while True:
            writer.write(b"<")
            await writer.drain()
            await asyncio.sleep(0.2)

    async with raw_server(trickle) as base:
        with pytest.raises(FetchError, match="no complete answer within 1s"):
            await fetcher(client, timeout_s=1).fetch(f"{base}/feed")


def _compressed(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "wbits"),
    [("gzip", 16 + zlib.MAX_WBITS), ("deflate", zlib.MAX_WBITS), ("deflate", -zlib.MAX_WBITS)],
)
async def test_compressed_bodies_are_decoded_and_bombs_cut_at_the_cap(
    feeds: FeedServer, client: Exchange, encoding: str, wbits: int
) -> None:
    coded = {"Content-Encoding": encoding}
    feed = feeds.set("/feed", _compressed(BODY.encode(), wbits), headers=coded)
    bomb = feeds.set("/bomb", _compressed(bytes(50_000_000), wbits), headers=coded)
    got = await fetcher(client, max_body_bytes=1_000_000).fetch(feed)
    assert got.body == BODY.encode()
    with pytest.raises(BodyTooLargeError, match="once decompressed"):
        await fetcher(client, max_body_bytes=1_000_000).fetch(bomb)


async def test_an_unknown_content_encoding_is_a_clear_error(
    feeds: FeedServer, client: Exchange
) -> None:
    url = feeds.set("/feed", b"...", headers={"Content-Encoding": "compress"})
    with pytest.raises(FetchError, match="unsupported Content-Encoding"):
        await fetcher(client).fetch(url)


async def test_a_redirected_feed_reports_where_it_was_found(
    feeds: FeedServer, client: Exchange
) -> None:
    target = feeds.set("/new", BODY, etag='"v2"')
    moved = feeds.set("/old", b"", status=301, headers={"Location": target})
    got = await fetcher(client).fetch(moved)
    assert (got.url, got.body, got.etag) == (target, BODY.encode(), '"v2"')


async def test_a_redirect_loop_is_a_clear_error(feeds: FeedServer, client: Exchange) -> None:
    loop = feeds.set("/loop", b"", status=302)
    feeds.resources["/loop"].headers["Location"] = loop
    with pytest.raises(FetchError, match="too many redirects"):
        await fetcher(client, attempts=1).fetch(loop)


async def test_304_answers_leave_the_connection_open_for_the_next_fetch(
    client: Exchange,
) -> None:
    """A warm cycle is mostly 304s: each must reuse the keep-alive connection, not open one."""
    peers: list[object] = []
    writers: list[asyncio.StreamWriter] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peers.append(writer.get_extra_info("peername"))
        writers.append(writer)
        with contextlib.suppress(asyncio.IncompleteReadError, ConnectionError):
            while b"if-none-match" in (await reader.readuntil(b"\r\n\r\n")).lower():
                writer.write(b'HTTP/1.1 304 Not Modified\r\nETag: "v1"\r\n\r\n')
                await writer.drain()
        writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    try:
        feed = fetcher(client)
        results = [await feed.fetch(f"http://127.0.0.1:{port}/feed", etag='"v1"') for _ in range(5)]
    finally:
        for writer in writers:
            writer.close()
        server.close()
        await server.wait_closed()
    assert all(r.not_modified and r.etag == '"v1"' for r in results)
    assert len(peers) == 1


def test_a_missing_sniffio_is_not_searched_for_on_every_request(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """httpcore imports sniffio per request: once known missing, no import searches the path."""
    import importlib.abc
    import importlib.util
    import sys

    from bot.adapters import httpx_exchange

    searched: list[str] = []

    class Spy(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *_args: object) -> None:
            searched.append(name)

    monkeypatch.delitem(sys.modules, "sniffio", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *_: None)
    monkeypatch.setattr(sys, "meta_path", [Spy(), *sys.meta_path])
    httpx_exchange.skip_missing_sniffio()
    for _ in range(3):
        with pytest.raises(ImportError):
            import sniffio  # noqa: F401
    assert searched == []


async def test_configured_feeds_go_through_the_proxy_the_environment_names(
    feeds: FeedServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The loopback server stands in for the proxy: it is asked for the feed's absolute URL."""
    feeds.set("http://feeds.example/wire", BODY)
    monkeypatch.setenv("HTTP_PROXY", feeds.base)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    session = feed_session(shared_ssl_context(), connections=4, connect_timeout_s=5)
    try:
        got = await fetcher(AiohttpExchange(session)).fetch("http://feeds.example/wire")
    finally:
        await session.close()
    assert got.body == BODY.encode()
    assert feeds.requests[-1][0] == "http://feeds.example/wire"


def test_without_proxy_or_netrc_the_environment_is_not_read_per_request(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in (
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NETRC", str(tmp_path / "absent"))
    assert not environment_steers_requests()
    (tmp_path / "netrc").write_text("machine feeds.example login a password b\n")
    monkeypatch.setenv("NETRC", str(tmp_path / "netrc"))
    assert environment_steers_requests()
    monkeypatch.setenv("NETRC", str(tmp_path / "absent"))
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    assert environment_steers_requests()


async def test_a_long_header_line_is_read(feeds: FeedServer, client: Exchange) -> None:
    """Sites send cookies and Link headers of several kilobytes; 11 KB must not fail a feed."""
    url = feeds.set("/wire", BODY, headers={"Link": "<https://hub.example/>; rel=hub, " * 350})
    got = await fetcher(client).fetch(url)
    assert got.body == BODY.encode()
    assert got.link_header is not None
    assert len(got.link_header) > 11_000

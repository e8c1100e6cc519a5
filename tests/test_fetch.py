"""The feed fetcher against a real HTTP server on loopback, and the feed parser."""

import asyncio
import contextlib
import zlib
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from bot.adapters.feed_parse import FeedparserParser
from bot.adapters.http_fetch import HttpFeedFetcher, parse_retry_after
from bot.errors import BodyTooLargeError, FetchError, HTTPStatusError, ParseError
from tests.support.feeds import rss, rss_item
from tests.support.servers import FeedServer

BODY = rss([rss_item("a1", "Title", "Body")])


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=5) as c:
        yield c


def fetcher(client: httpx.AsyncClient, **kwargs: object) -> HttpFeedFetcher:
    return HttpFeedFetcher(client, backoff_initial=0.01, backoff_max=0.05, **kwargs)  # type: ignore[arg-type]


async def test_conditional_get_gets_304_when_unchanged(
    feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    url = feeds.set("/feed", BODY, etag='"v1"')
    first = await fetcher(client).fetch(url)
    assert first.body == BODY.encode()
    assert first.etag == '"v1"'
    second = await fetcher(client).fetch(url, etag=first.etag)
    assert second.not_modified
    assert feeds.requests[-1][1]["if-none-match"] == '"v1"'


async def test_transient_errors_are_retried(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    url = feeds.set("/flaky", BODY, fail_times=2, fail_status=503)
    result = await fetcher(client).fetch(url)
    assert result.body == BODY.encode()
    assert feeds.hits("/flaky") == 3


async def test_permanent_errors_are_not_retried(
    feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    url = feeds.base + "/missing"
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher(client).fetch(url)
    assert caught.value.status == 404
    assert feeds.hits("/missing") == 1


async def test_retry_after_is_reported_when_retries_run_out(
    feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    url = feeds.set("/busy", BODY, fail_times=5, fail_status=429, fail_headers={"Retry-After": "0"})
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher(client, attempts=2).fetch(url)
    assert caught.value.status == 429
    assert caught.value.retry_after == 0
    assert feeds.hits("/busy") == 2


async def test_oversized_bodies_are_refused(feeds: FeedServer, client: httpx.AsyncClient) -> None:
    url = feeds.set("/huge", b"x" * 50_000)
    with pytest.raises(BodyTooLargeError):
        await fetcher(client, max_body_bytes=10_000).fetch(url)


async def test_connection_refused_is_a_fetch_error(client: httpx.AsyncClient) -> None:
    with pytest.raises(FetchError):
        await fetcher(client, attempts=1).fetch("http://127.0.0.1:9/feed")


async def test_file_urls_are_read(tmp_path: Path, client: httpx.AsyncClient) -> None:
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


async def test_a_retry_never_comes_sooner_than_retry_after(client: httpx.AsyncClient) -> None:
    error = HTTPStatusError("https://x.example/feed", 503, retry_after=7.0)
    waits = [fetcher(client).retry_wait(attempt, error) for attempt in (1, 2, 3)]
    assert min(waits) >= 7.0


async def test_a_retry_after_longer_than_the_deadline_is_left_to_the_schedule(
    feeds: FeedServer, client: httpx.AsyncClient
) -> None:
    url = feeds.set(
        "/busy", BODY, fail_times=5, fail_status=429, fail_headers={"Retry-After": "3600"}
    )
    with pytest.raises(HTTPStatusError) as caught:
        await fetcher(client, timeout_s=5).fetch(url)
    assert caught.value.retry_after == 3600
    assert feeds.hits("/busy") == 1  # not re-requested within the cycle


async def test_one_deadline_covers_a_body_that_trickles() -> None:
    async def trickle() -> AsyncIterator[bytes]:
        while True:
            yield b"<"
            await asyncio.sleep(0.2)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, stream=_Stream(trickle()))

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as mock:
        with pytest.raises(FetchError, match="no complete answer within 1s"):
            await fetcher(mock, timeout_s=1).fetch("https://slow.example/feed")


class _Stream(httpx.AsyncByteStream):
    def __init__(self, chunks: AsyncIterator[bytes]) -> None:
        self._chunks = chunks

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._chunks:
            yield chunk


def _compressed(data: bytes, wbits: int) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    return packer.compress(data) + packer.flush()


@pytest.mark.parametrize(
    ("encoding", "wbits"),
    [("gzip", 16 + zlib.MAX_WBITS), ("deflate", zlib.MAX_WBITS), ("deflate", -zlib.MAX_WBITS)],
)
async def test_compressed_bodies_are_decoded_and_bombs_cut_at_the_cap(
    encoding: str, wbits: int
) -> None:
    bodies = {
        "/feed": _compressed(BODY.encode(), wbits),
        "/bomb": _compressed(bytes(50_000_000), wbits),
    }

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200,
            stream=httpx.ByteStream(bodies[request.url.path]),
            headers={"Content-Encoding": encoding},
        )

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as mock:
        got = await fetcher(mock, max_body_bytes=1_000_000).fetch("https://x.example/feed")
        assert got.body == BODY.encode()
        with pytest.raises(BodyTooLargeError, match="once decompressed"):
            await fetcher(mock, max_body_bytes=1_000_000).fetch("https://x.example/bomb")


async def test_an_unknown_content_encoding_is_a_clear_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, stream=httpx.ByteStream(b"..."), headers={"Content-Encoding": "compress"}
        )

    async with httpx.AsyncClient(transport=httpx.MockTransport(handler)) as mock:
        with pytest.raises(FetchError, match="unsupported Content-Encoding"):
            await fetcher(mock).fetch("https://x.example/feed")


async def test_304_answers_leave_the_connection_open_for_the_next_fetch(
    client: httpx.AsyncClient,
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
        await client.aclose()
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

    from bot.adapters import http_fetch

    searched: list[str] = []

    class Spy(importlib.abc.MetaPathFinder):
        def find_spec(self, name: str, *_args: object) -> None:
            searched.append(name)

    monkeypatch.delitem(sys.modules, "sniffio", raising=False)
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *_: None)
    monkeypatch.setattr(sys, "meta_path", [Spy(), *sys.meta_path])
    http_fetch.skip_missing_sniffio()
    for _ in range(3):
        with pytest.raises(ImportError):
            import sniffio  # noqa: F401
    assert searched == []

"""The feed fetcher against a real HTTP server on loopback, and the feed parser."""

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

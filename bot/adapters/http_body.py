"""What every HTTP client of the bot shares: request headers, reading a body under a cap while it
is decompressed, and the answer headers that steer a feed's schedule.

No HTTP library is imported here: the feed fetcher's aiohttp and httpx exchanges, the article
fetcher and the Teams notifier all read bodies and headers the same way.
"""

from __future__ import annotations

import email.utils
import re
import zlib
from collections.abc import AsyncIterable, Mapping
from datetime import UTC, datetime

from bot.errors import BodyTooLargeError, FetchError, HTTPStatusError
from bot.ports import FetchResult

USER_AGENT = "signalbot/0.1 (+https://github.com/signalbot; feed reader)"
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5"
)
ACCEPT_ENCODING = "gzip, deflate"  # the encodings ``read_capped_chunks`` can decompress
RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)")


def feed_request_headers(etag: str | None, last_modified: str | None) -> dict[str, str]:
    """The headers of a conditional GET for a feed."""
    headers = {"User-Agent": USER_AGENT, "Accept": FEED_ACCEPT, "Accept-Encoding": ACCEPT_ENCODING}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    return headers


# Answer headers are httpx's or aiohttp's case-insensitive mappings.
def not_modified(
    url: str, headers: Mapping[str, str], etag: str | None, last_modified: str | None
) -> FetchResult:
    """A 304: the validators it names, else the ones sent."""
    return FetchResult(
        url=url,
        not_modified=True,
        etag=headers.get("ETag", etag),
        last_modified=headers.get("Last-Modified", last_modified),
        max_age_s=max_age(headers.get("Cache-Control")),
    )


def refused(url: str, status: int, headers: Mapping[str, str]) -> HTTPStatusError:
    """The error for an answer from 400 on, with its ``Retry-After``."""
    return HTTPStatusError(url, status, parse_retry_after(headers.get("Retry-After")))


def fetched(final_url: str, body: bytes, headers: Mapping[str, str]) -> FetchResult:
    """A feed body from ``final_url`` (where the redirects ended), with its validators."""
    return FetchResult(
        url=final_url,
        body=body,
        etag=headers.get("ETag"),
        last_modified=headers.get("Last-Modified"),
        max_age_s=max_age(headers.get("Cache-Control")),
        link_header=headers.get("Link"),
    )


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def max_age(cache_control: str | None) -> float | None:
    """``max-age`` of a ``Cache-Control`` header, in seconds."""
    match = _MAX_AGE.search(cache_control or "")
    return float(match.group(1)) if match else None


async def read_capped_chunks(
    url: str, chunks: AsyncIterable[bytes], encoding: str, declared: str, cap: int
) -> bytes:
    """A body from its raw ``chunks``, decompressed (``encoding``, the Content-Encoding) while
    it streams and refused as soon as it exceeds ``cap`` bytes, compressed or not: a
    decompression bomb never costs more than ``cap`` of memory. ``declared`` is the
    Content-Length header ("" when absent)."""
    if declared.isdigit() and int(declared) > cap:
        raise BodyTooLargeError(url, f"body of {declared} bytes exceeds the {cap}-byte cap")
    decoder = _Decoder(url, encoding, cap)
    raw = 0
    async for chunk in chunks:
        raw += len(chunk)
        if raw > cap:
            raise BodyTooLargeError(url, f"body exceeds the {cap}-byte cap")
        decoder.feed(chunk)
    return decoder.finish()


class _Decoder:
    """Decompresses gzip or deflate incrementally with a bound on the output."""

    def __init__(self, url: str, encoding: str, cap: int) -> None:
        self._url = url
        self._cap = cap
        self._parts: list[bytes] = []
        self._size = 0
        codings = [c.strip().lower() for c in encoding.split(",") if c.strip()]
        codings = [c for c in codings if c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchError(url, f"unsupported Content-Encoding {encoding!r}")
        self._coding = codings[0] if codings else ""
        self._zlib: zlib._Decompress | None = None
        self._first = True
        if self._coding:
            self._zlib = zlib.decompressobj(
                zlib.MAX_WBITS | 16 if "gzip" in self._coding else zlib.MAX_WBITS
            )

    def _keep(self, data: bytes) -> None:
        self._size += len(data)
        if self._size > self._cap:
            raise BodyTooLargeError(
                self._url, f"body exceeds the {self._cap}-byte cap once decompressed"
            )
        if data:
            self._parts.append(data)

    def feed(self, chunk: bytes) -> None:
        if self._zlib is None:
            self._keep(chunk)
            return
        data = chunk
        while data:
            try:
                out = self._zlib.decompress(data, self._cap - self._size + 1)
            except zlib.error as exc:
                if self._first and self._coding == "deflate":  # raw deflate without zlib header
                    self._zlib = zlib.decompressobj(-zlib.MAX_WBITS)
                    self._first = False
                    continue
                raise FetchError(self._url, f"corrupt {self._coding} body: {exc}") from exc
            self._first = False
            self._keep(out)
            data = self._zlib.unconsumed_tail
            if self._zlib.eof and self._zlib.unused_data:  # another gzip member follows
                data = self._zlib.unused_data
                self._zlib = zlib.decompressobj(zlib.MAX_WBITS | 16)

    def finish(self) -> bytes:
        if self._zlib is not None:
            self._keep(self._zlib.flush())
        return b"".join(self._parts)

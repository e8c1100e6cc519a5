"""Fetching feeds over HTTP(S) and from ``file://`` URLs.

One shared ``httpx.AsyncClient``; conditional GET; a concurrency limit per host; one overall
deadline per fetch (connection, every retry and the whole body); a cap on the body, applied while
it is decompressed; retries with exponential backoff and jitter for transient failures (network
errors, 429, 5xx). A retry never comes sooner than the server's ``Retry-After``; a wait that does
not fit in the deadline is left to the feed's schedule (the error carries ``retry_after``).
"""

from __future__ import annotations

import asyncio
import email.utils
import importlib.util
import logging
import random
import re
import sys
import zlib
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx

from bot.errors import BodyTooLargeError, FetchError, HTTPStatusError
from bot.ports import FetchResult

log = logging.getLogger(__name__)
USER_AGENT = "signalbot/0.1 (+https://github.com/signalbot; feed reader)"
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)")
ACCEPT_ENCODING = "gzip, deflate"  # the encodings ``read_capped`` can decompress under its cap


def skip_missing_sniffio() -> None:
    """Make a missing ``sniffio`` fail to import at once.

    httpcore runs ``import sniffio`` several times per request to tell asyncio from trio; when
    the package is not installed (recent anyio no longer needs it), each attempt searches every
    directory of ``sys.path`` again, a few milliseconds of CPU per fetch. A ``None`` entry in
    ``sys.modules`` makes the import raise ``ImportError`` without a search, which httpcore
    reads as asyncio, as it did before. An installed sniffio is left alone.
    """
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


skip_missing_sniffio()


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


def _transient(exc: BaseException) -> bool:
    if isinstance(exc, HTTPStatusError):
        return exc.status in _RETRY_STATUSES
    return type(exc) is FetchError  # network errors and timeouts, not size or policy refusals


class HttpFeedFetcher:
    """Implements ``bot.ports.FeedFetcher``."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        *,
        max_body_bytes: int = 5_000_000,
        per_host: int = 4,
        attempts: int = 3,
        backoff_initial: float = 1.0,
        backoff_max: float = 30.0,
        timeout_s: float = 20.0,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._max_body = max_body_bytes
        self._per_host = per_host
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self._per_host)
        )
        self._attempts = attempts
        self._backoff_initial = backoff_initial
        self._backoff_max = backoff_max
        self._timeout = timeout_s
        self._rng = rng or random.Random()  # noqa: S311 -- jitter, not security

    def retry_wait(self, attempt: int, exc: FetchError) -> float:
        """How long to wait before attempt ``attempt + 1``: full-jitter exponential backoff, and
        never less than the server's ``Retry-After``."""
        backoff = self._rng.uniform(
            0, min(self._backoff_max, self._backoff_initial * 2 ** (attempt - 1))
        )
        if isinstance(exc, HTTPStatusError) and exc.retry_after is not None:
            return max(backoff, exc.retry_after)
        return backoff

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        if url.lower().startswith("file://"):
            return await asyncio.to_thread(self._read_file, url)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self._timeout
        attempt = 0
        while True:
            attempt += 1
            try:
                async with asyncio.timeout_at(deadline):
                    return await self._get(url, etag, last_modified)
            except TimeoutError as exc:
                raise FetchError(url, f"no complete answer within {self._timeout:g}s") from exc
            except FetchError as exc:
                if not _transient(exc) or attempt >= self._attempts:
                    raise
                wait = self.retry_wait(attempt, exc)
                if loop.time() + wait >= deadline:
                    raise  # the feed's schedule waits instead (``after_error`` honours retry_after)
                log.info("%s: %s; retrying in %.1fs", url, exc.reason, wait)
                await asyncio.sleep(wait)

    async def _get(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5",
            "Accept-Encoding": ACCEPT_ENCODING,
        }
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        host = urlsplit(url).netloc.lower()
        async with self._hosts[host]:
            try:
                async with self._client.stream("GET", url, headers=headers) as response:
                    if response.status_code == 304:
                        # A 304 has no body, but its end must be read for the connection to go
                        # back to the pool: left unread, the next fetch opens a new connection.
                        await response.aread()
                        return FetchResult(
                            url=url,
                            not_modified=True,
                            etag=response.headers.get("ETag", etag),
                            last_modified=response.headers.get("Last-Modified", last_modified),
                            max_age_s=_max_age(response.headers),
                        )
                    if response.status_code >= 400:
                        raise HTTPStatusError(
                            url,
                            response.status_code,
                            parse_retry_after(response.headers.get("Retry-After")),
                        )
                    body = await read_capped(url, response, self._max_body)
                    return FetchResult(
                        url=str(response.url),
                        body=body,
                        etag=response.headers.get("ETag"),
                        last_modified=response.headers.get("Last-Modified"),
                        max_age_s=_max_age(response.headers),
                        link_header=response.headers.get("Link"),
                    )
            except httpx.TimeoutException as exc:
                raise FetchError(url, f"timed out ({exc.__class__.__name__})") from exc
            except httpx.TooManyRedirects as exc:
                raise FetchError(url, "too many redirects") from exc
            except httpx.HTTPError as exc:
                raise FetchError(url, f"{exc.__class__.__name__}: {exc}") from exc

    def _read_file(self, url: str) -> FetchResult:
        path = Path(unquote(urlsplit(url).path))
        try:
            size = path.stat().st_size
            if size > self._max_body:
                raise BodyTooLargeError(
                    url, f"file of {size} bytes exceeds the {self._max_body}-byte cap"
                )
            return FetchResult(url=url, body=path.read_bytes())
        except OSError as exc:
            raise FetchError(url, exc.strerror or str(exc)) from exc


def _max_age(headers: httpx.Headers) -> float | None:
    match = _MAX_AGE.search(headers.get("Cache-Control", ""))
    return float(match.group(1)) if match else None


async def read_capped(url: str, response: httpx.Response, cap: int) -> bytes:
    """The response body, decompressed while it streams, refused as soon as it exceeds ``cap``
    bytes (compressed or not): a decompression bomb never costs more than ``cap`` of memory."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > cap:
        raise BodyTooLargeError(url, f"body of {declared} bytes exceeds the {cap}-byte cap")
    if response.is_stream_consumed:  # read in full already (a mock transport): only the cap
        if len(response.content) > cap:
            raise BodyTooLargeError(url, f"body exceeds the {cap}-byte cap")
        return response.content
    decoder = _Decoder(url, response.headers.get("Content-Encoding", ""), cap)
    raw = 0
    async for chunk in response.aiter_raw():
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

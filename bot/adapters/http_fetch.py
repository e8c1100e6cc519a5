"""Fetching feeds over HTTP(S) and from ``file://`` URLs.

One shared ``httpx.AsyncClient``; conditional GET; a concurrency limit per host; a cap on body
size; retries with exponential backoff and jitter for transient failures (network errors, 429,
5xx), honouring ``Retry-After``.
"""

from __future__ import annotations

import asyncio
import email.utils
import re
from collections import defaultdict
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from bot.errors import BodyTooLargeError, FetchError, HTTPStatusError
from bot.ports import FetchResult

USER_AGENT = "signalbot/0.1 (+https://github.com/signalbot; feed reader)"
_RETRY_STATUSES = frozenset({408, 425, 429, 500, 502, 503, 504})
_MAX_AGE = re.compile(r"max-age\s*=\s*(\d+)")


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
        max_retry_after: float = 60.0,
    ) -> None:
        self._client = client
        self._max_body = max_body_bytes
        self._per_host = per_host
        self._hosts: defaultdict[str, asyncio.Semaphore] = defaultdict(
            lambda: asyncio.Semaphore(self._per_host)
        )
        self._attempts = attempts
        self._backoff = wait_random_exponential(multiplier=backoff_initial, max=backoff_max)
        self._max_retry_after = max_retry_after

    def _wait(self, state: RetryCallState) -> float:
        backoff = self._backoff(state)
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, HTTPStatusError) and exc.retry_after is not None:
            return max(backoff, min(exc.retry_after, self._max_retry_after))
        return backoff

    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        if url.lower().startswith("file://"):
            return await asyncio.to_thread(self._read_file, url)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception(_transient),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._get(url, etag, last_modified)
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    async def _get(self, url: str, etag: str | None, last_modified: str | None) -> FetchResult:
        headers = {
            "User-Agent": USER_AGENT,
            "Accept": "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.8, */*;q=0.5",
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
                    body = await self._read_capped(url, response)
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

    async def _read_capped(self, url: str, response: httpx.Response) -> bytes:
        declared = response.headers.get("Content-Length", "")
        if declared.isdigit() and int(declared) > self._max_body:
            raise BodyTooLargeError(
                url, f"body of {declared} bytes exceeds the {self._max_body}-byte cap"
            )
        chunks: list[bytes] = []
        size = 0
        async for chunk in response.aiter_bytes():
            size += len(chunk)
            if size > self._max_body:
                raise BodyTooLargeError(url, f"body exceeds the {self._max_body}-byte cap")
            chunks.append(chunk)
        return b"".join(chunks)

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

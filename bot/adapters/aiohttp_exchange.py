"""The feed fetcher's conditional GET over aiohttp, for the configured feeds.

A poll cycle is mostly conditional GETs answered 304. aiohttp parses HTTP in C (llhttp) on
asyncio's own transports; the same request through httpx, httpcore, h11 and anyio costs about
five times the CPU (``bench/poll.py``'s warm pass is mostly that). Bodies are read raw and
decompressed under the cap by ``read_capped_chunks``, as every other client of the bot does.
"""

from __future__ import annotations

import os
import ssl
import urllib.request

import aiohttp

from bot.adapters.http_body import USER_AGENT, fetched, not_modified, read_capped_chunks, refused
from bot.errors import FetchError
from bot.ports import FetchResult

MAX_REDIRECTS = 20  # as httpx, which fetched feeds before
MAX_HEADER_BYTES = 16384


def environment_steers_requests() -> bool:
    """Whether the environment names a proxy (``HTTPS_PROXY`` …) or a netrc file holds
    credentials. Only then does the session read them: aiohttp looks both up in a thread on
    every request, two thread round trips per fetch."""
    netrc = os.environ.get("NETRC") or os.path.expanduser("~/.netrc")
    return bool(urllib.request.getproxies()) or os.path.isfile(netrc)


def feed_session(
    ssl_context: ssl.SSLContext, *, connections: int, connect_timeout_s: float
) -> aiohttp.ClientSession:
    """The session the configured feeds are fetched with: at most ``connections`` open at once
    (the fetcher limits each host itself), kept alive between fetches, proxies and netrc
    credentials taken from the environment as other HTTP clients do, bodies left compressed
    for the capped reader."""
    connector = aiohttp.TCPConnector(ssl=ssl_context, limit=connections, limit_per_host=0)
    return aiohttp.ClientSession(
        connector=connector,
        timeout=aiohttp.ClientTimeout(total=None, connect=connect_timeout_s),
        headers={"User-Agent": USER_AGENT},
        auto_decompress=False,
        # as long a header as httpx read (h11 takes a 16 KiB header block): a site's cookies
        max_line_size=MAX_HEADER_BYTES,
        max_field_size=MAX_HEADER_BYTES,
        trust_env=environment_steers_requests(),
    )


class AiohttpExchange:
    """Implements ``bot.adapters.http_fetch.Exchange`` with an aiohttp session."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def get(
        self,
        url: str,
        headers: dict[str, str],
        cap: int,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        try:
            async with self._session.get(url, headers=headers, max_redirects=MAX_REDIRECTS) as got:
                if got.status == 304:
                    return not_modified(url, got.headers, etag, last_modified)
                if got.status >= 400:
                    raise refused(url, got.status, got.headers)
                body = await read_capped_chunks(
                    url,
                    got.content.iter_any(),
                    got.headers.get("Content-Encoding", ""),
                    got.headers.get("Content-Length", ""),
                    cap,
                )
                return fetched(str(got.url), body, got.headers)
        except aiohttp.TooManyRedirects as exc:
            raise FetchError(url, "too many redirects") from exc
        except aiohttp.ServerTimeoutError as exc:
            raise FetchError(url, f"timed out ({exc.__class__.__name__})") from exc
        except aiohttp.ClientError as exc:
            raise FetchError(url, f"{exc.__class__.__name__}: {exc}") from exc

"""The feed fetcher's conditional GET over an ``httpx.AsyncClient`` (chat-added feeds go through
the address-guarded client), and reading an httpx response body under a cap."""

from __future__ import annotations

import importlib.util
import sys

import httpx

from bot.adapters.http_body import fetched, not_modified, read_capped_chunks, refused
from bot.errors import BodyTooLargeError, FetchError
from bot.ports import FetchResult


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


class HttpxExchange:
    """Implements ``bot.adapters.http_fetch.Exchange`` with an httpx client."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def get(
        self,
        url: str,
        headers: dict[str, str],
        cap: int,
        etag: str | None,
        last_modified: str | None,
    ) -> FetchResult:
        try:
            async with self._client.stream("GET", url, headers=headers) as response:
                if response.status_code == 304:
                    # A 304 has no body, but its end must be read for the connection to go
                    # back to the pool: left unread, the next fetch opens a new connection.
                    await response.aread()
                    return not_modified(url, response.headers, etag, last_modified)
                if response.status_code >= 400:
                    raise refused(url, response.status_code, response.headers)
                body = await read_capped(url, response, cap)
                return fetched(str(response.url), body, response.headers)
        except httpx.TimeoutException as exc:
            raise FetchError(url, f"timed out ({exc.__class__.__name__})") from exc
        except httpx.TooManyRedirects as exc:
            raise FetchError(url, "too many redirects") from exc
        except httpx.HTTPError as exc:
            raise FetchError(url, f"{exc.__class__.__name__}: {exc}") from exc


async def read_capped(url: str, response: httpx.Response, cap: int) -> bytes:
    """The response body, decompressed while it streams, refused as soon as it exceeds ``cap``
    bytes (compressed or not)."""
    if response.is_stream_consumed:  # read in full already (a mock transport): only the cap
        if len(response.content) > cap:
            raise BodyTooLargeError(url, f"body exceeds the {cap}-byte cap")
        return response.content
    return await read_capped_chunks(
        url,
        response.aiter_raw(),
        response.headers.get("Content-Encoding", ""),
        response.headers.get("Content-Length", ""),
        cap,
    )

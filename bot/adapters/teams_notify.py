"""Posting alerts to Microsoft Teams channels through Workflows webhooks (``teams:<webhook URL>``).

Each alert is one Adaptive Card 1.4 in the Workflows message envelope, kept under 20 KB by the
renderer. Workflows throttles a webhook above about 4 requests per second, so every request
(retries included) first waits its turn in a per-webhook sliding window. 429, 408 and 5xx answers
and network failures are retried with tenacity — after the ``Retry-After`` the server gives, else
with exponential backoff and jitter — and then surface as ``RateLimitedError`` so that the delivery
stays queued; other 4xx answers are ``DeliveryError``.

A webhook URL is a secret (its query string carries the signature that authorises posting): it
never appears in errors or in this module's logs, and httpx's request log lines for known webhooks
are redacted to scheme, host and "…".
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    wait_random_exponential,
)

from bot.adapters.chart_files import ChartFiles
from bot.adapters.http_body import parse_retry_after
from bot.domain.config import webhook_label
from bot.domain.text import one_line, shorten
from bot.errors import DeliveryError, RateLimitedError
from bot.ports import Alert, Clock, Notice
from bot.render.teams import MAX_BYTES, alert_payload
from bot.render.teams_notices import followup_payload, notice_payloads

log = logging.getLogger(__name__)
_TRANSIENT_STATUSES = frozenset({408, 425, 429})

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


def redact(url: str) -> str:
    """A webhook URL reduced to what may be shown: its host and a fingerprint."""
    return f"teams:{webhook_label(url)}"


class _RedactUrls(logging.Filter):
    """Replaces known webhook URLs in httpx's "HTTP Request: POST <url>" records."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[str, str] = {}

    def add(self, url: str) -> None:
        shown = redact(url)
        self.secrets[url] = shown
        with contextlib.suppress(httpx.InvalidURL, TypeError):
            self.secrets[str(httpx.URL(url))] = shown

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and self.secrets:
            record.args = tuple(
                self.secrets.get(str(arg), arg) if isinstance(arg, httpx.URL | str) else arg
                for arg in record.args
            )
        return True


_REDACTOR = _RedactUrls()


def _install_redactor() -> None:
    logger = logging.getLogger("httpx")
    if _REDACTOR not in logger.filters:
        logger.addFilter(_REDACTOR)


class WebhookRateLimiter:
    """At most ``rate_per_second`` requests per webhook in any sliding window.

    With a rate of 4 the fifth request to a webhook waits until one second after the first: no
    one-second window ever holds more than four. Webhooks are independent of each other.
    """

    def __init__(
        self,
        rate_per_second: float,
        *,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        if rate_per_second <= 0:
            raise ValueError("rate_per_second must be positive")
        self._burst = max(1, int(rate_per_second))
        self._window = self._burst / rate_per_second
        self._monotonic = monotonic
        self._sleep = sleep
        self._stamps: defaultdict[str, deque[float]] = defaultdict(
            lambda: deque(maxlen=self._burst)
        )
        self._locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)

    async def acquire(self, key: str) -> None:
        """Wait until a request to ``key`` is allowed, and count it."""
        async with self._locks[key]:
            stamps = self._stamps[key]
            if len(stamps) == self._burst:
                wait = stamps[0] + self._window - self._monotonic()
                if wait > 0:
                    await self._sleep(wait)
            stamps.append(self._monotonic())


class _TransientError(Exception):
    """A retryable answer or failure; ``retry_after`` when the server named a wait."""

    def __init__(self, what: str, retry_after: float | None) -> None:
        super().__init__(what)
        self.what = what
        self.retry_after = retry_after


class TeamsWebhookNotifier:
    """Implements ``bot.ports.Notifier`` for ``teams:<Workflows webhook URL>`` destinations."""

    def __init__(
        self,
        client: httpx.AsyncClient,
        clock: Clock,
        *,
        rate_per_second: float = 4.0,
        attempts: int = 4,
        max_wait: float = 60.0,
        backoff_initial: float = 1.0,
        fallback_retry_after: float = 30.0,
        max_bytes: int = MAX_BYTES,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        charts: ChartFiles | None = None,
    ) -> None:
        self._client = client
        self._clock = clock
        self._attempts = max(1, attempts)
        self._max_wait = max_wait
        self._backoff = wait_random_exponential(multiplier=backoff_initial, max=max_wait)
        self._fallback_retry_after = fallback_retry_after
        self._max_bytes = max_bytes
        self._sleep = sleep
        self._limiter = WebhookRateLimiter(rate_per_second, monotonic=monotonic, sleep=sleep)
        self._charts = charts
        _install_redactor()

    async def send(self, alert: Alert) -> str:
        """Post one alert; return the Workflows run id ("" when the service gives none)."""
        url = alert.destination.target
        if alert.destination.platform != "teams" or not _is_webhook(url):
            # e.g. a route added from a Teams conversation: its id is not a webhook to post to
            raise DeliveryError("not a Teams Workflows webhook URL (teams:https://…)")
        _REDACTOR.add(url)
        if alert.mention:
            log.debug(
                "Teams webhooks cannot mention %s; sending the alert without it", alert.mention
            )
        today = self._clock.now().date()
        if alert.followup is not None:
            payload = followup_payload(
                alert.item,
                alert.assessment,
                alert.followup.lead(),
                alert.followup.story_title,
                today,
                max_bytes=self._max_bytes,
            )
        else:
            payload = alert_payload(alert.item, alert.assessment, today, max_bytes=self._max_bytes)
        return await self._deliver(url, payload)

    async def send_notice(self, notice: Notice) -> str:
        """Post a notice as one or more cards (all lines reachable), the chart in its own card
        when it fits the size cap."""
        url = notice.destination.target
        if notice.destination.platform != "teams" or not _is_webhook(url):
            raise DeliveryError("not a Teams Workflows webhook URL (teams:https://…)")
        _REDACTOR.add(url)
        image = notice.image_png_small or notice.image_png
        payloads = notice_payloads(
            notice.title,
            [(line.text, line.link, line.assessment) for line in notice.lines],
            image_png=image,
            image_url=self._charts.publish(image) if image and self._charts else None,
            image_title=notice.image_title,
            max_bytes=self._max_bytes,
        )
        first = ""
        for payload in payloads:
            run_id = await self._deliver(url, payload)
            first = first or run_id
        return first

    async def _deliver(self, url: str, payload: dict[str, Any]) -> str:
        body = json.dumps(payload).encode()  # the bytes the renderer measured
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception(self._should_retry),
            sleep=self._sleep,
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._post(url, body)
        except _TransientError as exc:
            retry_after = exc.retry_after or self._fallback_retry_after
            raise RateLimitedError(
                retry_after, f"Teams webhook {redact(url)}: {exc.what}"
            ) from None
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    def _should_retry(self, exc: BaseException) -> bool:
        if not isinstance(exc, _TransientError):
            return False
        return exc.retry_after is None or exc.retry_after <= self._max_wait

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, _TransientError) and exc.retry_after is not None:
            return min(exc.retry_after, self._max_wait)
        return float(self._backoff(state))

    async def _post(self, url: str, body: bytes) -> str:
        await self._limiter.acquire(url)
        try:
            response = await self._client.post(
                url, content=body, headers={"Content-Type": "application/json"}
            )
        except httpx.TransportError as exc:
            log.warning("Teams webhook %s unreachable: %s", redact(url), exc.__class__.__name__)
            raise _TransientError(f"unreachable ({exc.__class__.__name__})", None) from None
        status = response.status_code
        if 200 <= status < 300:
            return str(response.headers.get("x-ms-workflow-run-id", ""))
        retry_after = parse_retry_after(response.headers.get("Retry-After"), self._clock.now())
        if status in _TRANSIENT_STATUSES or status >= 500:
            log.warning(
                "Teams webhook %s answered HTTP %d (retry after %s)",
                redact(url),
                status,
                "backoff" if retry_after is None else f"{retry_after:g}s",
            )
            raise _TransientError(f"HTTP {status}", retry_after)
        raise DeliveryError(
            f"Teams webhook {redact(url)} refused the alert: HTTP {status}{_error_code(response)}"
        )


def _is_webhook(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


def _error_code(response: httpx.Response) -> str:
    """The service's error code (never its message, which may quote the request)."""
    try:
        data = response.json()
    except (ValueError, UnicodeDecodeError):
        return ""
    error = data.get("error") if isinstance(data, dict) else None
    code: object = error.get("code") if isinstance(error, dict) else None
    return f" ({shorten(one_line(str(code)), 80)})" if code else ""

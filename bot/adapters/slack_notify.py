"""Posting alerts to Slack with slack_sdk's Web API client.

429 answers are retried after the ``Retry-After`` the server gives (through tenacity, a bounded
number of times); beyond that ``RateLimitedError`` keeps the delivery queued. Tokens never appear
in errors or logs.

Every alert and the first message of every notice carry their delivery's idempotency key in the
message ``metadata`` (event type ``signalbot_delivery``), so that a delivery interrupted between
the post and its record is found again in the channel's history (``conversations.history``, or
``conversations.replies`` for a thread reply) instead of being posted twice. This needs the
``channels:history`` and ``groups:history`` scopes.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from bot.domain.config import Destination
from bot.errors import DeliveryError, RateLimitedError
from bot.ports import Alert, Clock, Notice
from bot.render.slack import alert_message, followup_message, notice_line, notice_messages

log = logging.getLogger(__name__)
_TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)
EVENT_TYPE = "signalbot_delivery"
_LOOKBACK_S = 120.0  # history searched from this long before the first attempt (clock skew)
_MAX_PAGES = 10


def _metadata(key: str) -> dict[str, Any] | None:
    return {"event_type": EVENT_TYPE, "event_payload": {"key": key}} if key else None


def _carries(message: dict[str, Any], key: str) -> bool:
    metadata = message.get("metadata") or {}
    payload = metadata.get("event_payload") or {}
    return bool(metadata.get("event_type") == EVENT_TYPE and payload.get("key") == key)


class SlackNotifier:
    """Implements ``bot.ports.Notifier`` for ``slack:<channel>`` destinations."""

    def __init__(
        self, client: AsyncWebClient, clock: Clock, *, attempts: int = 4, max_wait: float = 120.0
    ) -> None:
        self._client = client
        self._clock = clock
        self._attempts = attempts
        self._max_wait = max_wait

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        if isinstance(exc, RateLimitedError):
            return min(exc.retry_after, self._max_wait)
        return min(2.0**state.attempt_number, self._max_wait)

    async def send(self, alert: Alert) -> str:
        today = self._clock.now().date()
        thread: str | None = None
        broadcast = False
        if alert.followup is not None:
            text, blocks = followup_message(
                alert.item,
                alert.assessment,
                alert.followup.lead(),
                alert.followup.story_title,
                today,
            )
            if alert.thread_id:
                # A material change is also shown in the channel, linked to the thread.
                thread, broadcast = alert.thread_id, alert.followup.material
        else:
            text, blocks = alert_message(alert.item, alert.assessment, today, mention=alert.mention)
        return await self._with_retries(
            alert.destination.target, text, blocks, thread, broadcast, key=alert.key
        )

    async def send_notice(self, notice: Notice) -> str:
        """The first message carries the title and first lines; the rest go in its thread. A chart
        is uploaded with files_upload_v2 into the same thread."""
        channel = notice.destination.target
        lines = [notice_line(line.text, line.link, line.assessment) for line in notice.lines]
        messages = notice_messages(notice.title, lines)
        first_text, first_blocks = messages[0]
        root = await self._with_retries(
            channel,
            first_text,
            first_blocks,
            notice.thread_id,
            bool(notice.thread_id),
            key=notice.key,
        )
        parent = notice.thread_id or root
        for text, blocks in messages[1:]:
            await self._with_retries(channel, text, blocks, parent)
        if notice.image_png:
            await self._upload(
                channel, notice.image_png, notice.image_title or notice.title, parent
            )
        return root

    async def find_delivered(
        self, destination: Destination, key: str, *, thread_id: str | None, since: datetime
    ) -> str | None:
        """The ``ts`` of the message carrying ``key`` posted since ``since`` (in the thread
        ``thread_id`` when given), None when there is none — or when the history cannot be read
        (an app installed without the history scopes): then the message is posted again, at
        least once rather than never."""
        channel = destination.target
        try:
            return await self._search(channel, key, thread_id, since)
        except DeliveryError as exc:
            log.warning("cannot check whether %s was posted (%s): posting it again", key, exc)
            return None

    async def _search(
        self, channel: str, key: str, thread_id: str | None, since: datetime
    ) -> str | None:
        oldest = f"{max(0.0, since.timestamp() - _LOOKBACK_S):.6f}"
        cursor: str | None = None
        for _ in range(_MAX_PAGES):
            params: dict[str, Any] = {
                "channel": channel,
                "oldest": oldest,
                "limit": 200,
                "include_all_metadata": True,
                "cursor": cursor,
            }
            response = await self._call_with_retries(
                "history", lambda p=params: self._history(thread_id, p), channel
            )
            for message in response.get("messages") or []:
                if _carries(message, key):
                    return str(message.get("ts", ""))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor:
                return None
        raise DeliveryError(f"could not search the history of {channel}: too many messages")

    async def _history(self, thread_id: str | None, params: dict[str, Any]) -> Any:
        if thread_id:
            return await self._client.conversations_replies(ts=thread_id, **params)
        return await self._client.conversations_history(**params)

    async def _upload(self, channel: str, png: bytes, title: str, thread: str) -> None:
        try:
            await self._client.files_upload_v2(
                channel=channel,
                content=png,
                filename="signalbot-chart.png",
                title=title[:250],
                thread_ts=thread or None,
            )
        except SlackApiError as exc:
            error = str(exc.response.get("error", "")) if exc.response is not None else ""
            raise DeliveryError(f"Slack refused the chart upload for {channel}: {error}") from None
        except (SlackClientError, OSError) as exc:
            raise DeliveryError(
                f"could not upload the chart to Slack: {exc.__class__.__name__}"
            ) from None

    async def _with_retries(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, object]],
        thread: str | None = None,
        broadcast: bool = False,
        *,
        key: str = "",
    ) -> str:
        async def post() -> Any:
            return await self._client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
                thread_ts=thread,
                reply_broadcast=broadcast if thread else None,
                metadata=_metadata(key),
            )

        response = await self._call_with_retries("message", post, channel)
        return str(response.get("ts", ""))

    async def _call_with_retries(self, what: str, call: Any, channel: str) -> Any:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception_type(RateLimitedError),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._call(what, call, channel)
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    async def _call(self, what: str, call: Any, channel: str) -> Any:
        try:
            return await call()
        except SlackApiError as exc:
            status = exc.response.status_code
            error = str(exc.response.get("error", "")) if exc.response is not None else ""
            if status == 429 or error == "ratelimited" or error == "rate_limited":
                retry_after = float(exc.response.headers.get("Retry-After", "1") or 1)
                log.warning("slack rate limited on %s; retrying after %ss", channel, retry_after)
                raise RateLimitedError(retry_after, f"Slack rate limit on {channel}") from None
            if status >= 500 or error in _TRANSIENT_ERRORS:
                raise RateLimitedError(5.0, f"Slack is unavailable ({error or status})") from None
            raise DeliveryError(
                f"Slack refused the {what} for {channel}: {error or status}"
            ) from None
        except SlackClientError as exc:
            raise DeliveryError(f"could not reach Slack: {exc.__class__.__name__}") from None
        except OSError as exc:
            raise RateLimitedError(
                10.0, f"could not reach Slack ({exc.__class__.__name__})"
            ) from None

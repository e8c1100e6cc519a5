"""Posting alerts to Slack with slack_sdk's Web API client.

429 answers are retried after the ``Retry-After`` the server gives (through tenacity, a bounded
number of times); beyond that ``RateLimitedError`` keeps the delivery queued. Tokens never appear
in errors or logs.
"""

from __future__ import annotations

import logging

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient
from tenacity import AsyncRetrying, RetryCallState, retry_if_exception_type, stop_after_attempt

from bot.errors import DeliveryError, RateLimitedError
from bot.ports import Alert, Clock, Notice
from bot.render.slack import alert_message, followup_message, notice_line, notice_messages

log = logging.getLogger(__name__)
_TRANSIENT_ERRORS = frozenset(
    {"internal_error", "fatal_error", "service_unavailable", "request_timeout"}
)


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
        return await self._with_retries(alert.destination.target, text, blocks, thread, broadcast)

    async def send_notice(self, notice: Notice) -> str:
        """The first message carries the title and first lines; the rest go in its thread. A chart
        is uploaded with files_upload_v2 into the same thread."""
        channel = notice.destination.target
        lines = [notice_line(line.text, line.link, line.assessment) for line in notice.lines]
        messages = notice_messages(notice.title, lines)
        first_text, first_blocks = messages[0]
        root = await self._with_retries(
            channel, first_text, first_blocks, notice.thread_id, bool(notice.thread_id)
        )
        parent = notice.thread_id or root
        for text, blocks in messages[1:]:
            await self._with_retries(channel, text, blocks, parent)
        if notice.image_png:
            await self._upload(
                channel, notice.image_png, notice.image_title or notice.title, parent
            )
        return root

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
    ) -> str:
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=self._wait,
            retry=retry_if_exception_type(RateLimitedError),
            reraise=True,
        )
        async for attempt in retrying:
            with attempt:
                return await self._post(channel, text, blocks, thread, broadcast)
        raise AssertionError("unreachable: tenacity reraises the last error")  # pragma: no cover

    async def _post(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, object]],
        thread: str | None,
        broadcast: bool,
    ) -> str:
        try:
            response = await self._client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=blocks,
                unfurl_links=False,
                unfurl_media=False,
                thread_ts=thread,
                reply_broadcast=broadcast if thread else None,
            )
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
                f"Slack refused the message for {channel}: {error or status}"
            ) from None
        except SlackClientError as exc:
            raise DeliveryError(f"could not reach Slack: {exc.__class__.__name__}") from None
        except OSError as exc:
            raise RateLimitedError(
                10.0, f"could not reach Slack ({exc.__class__.__name__})"
            ) from None
        return str(response.get("ts", ""))

"""Posting alerts to a Workflows webhook: the envelope on the wire, the per-webhook rate limit
under a burst, retries after 429/5xx honouring Retry-After, and a webhook URL that never leaks."""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict

import httpx
import pytest

from bot.adapters.teams_notify import TeamsWebhookNotifier, WebhookRateLimiter, redact
from bot.domain.config import Destination
from bot.errors import DeliveryError, RateLimitedError
from bot.ports import Alert
from bot.render.teams import MAX_BYTES
from tests.conftest import FakeClock
from tests.teams.conftest import CardCheck
from tests.teams.support import WebhookStandIn, make_alert


def alert(url: str, title: str = "China approves some rare earth export licences") -> Alert:
    item, assessment = make_alert(title=title)
    return Alert(item=item, assessment=assessment, destination=Destination.parse(f"teams:{url}"))


class FakeTime:
    """A monotonic clock that only moves when someone sleeps on it."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


async def test_alert_is_posted_as_the_envelope_and_validates(
    webhook: WebhookStandIn, clock: FakeClock, assert_valid_card: CardCheck
) -> None:
    async with httpx.AsyncClient() as client:
        notifier = TeamsWebhookNotifier(client, clock)
        message_id = await notifier.send(alert(webhook.url()))
    assert message_id == "run-1"
    [request] = webhook.received
    assert request.headers["Content-Type"] == "application/json"
    assert "sig=S3CRET-SIGNATURE" in request.query  # posted to the exact webhook URL
    assert len(request.body) <= MAX_BYTES
    payload = request.json()
    assert payload["type"] == "message"
    assert payload["attachments"][0]["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert_valid_card(payload["attachments"][0]["content"])


async def test_burst_never_exceeds_four_requests_in_any_second_per_webhook(
    clock: FakeClock,
) -> None:
    fake = FakeTime()
    seen: defaultdict[str, list[float]] = defaultdict(list)

    def record(request: httpx.Request) -> httpx.Response:
        seen[request.url.path].append(fake.monotonic())
        return httpx.Response(202)

    hook = "https://hooks.example/workflows/a?sig=S3CRET"
    async with httpx.AsyncClient(transport=httpx.MockTransport(record)) as client:
        notifier = TeamsWebhookNotifier(client, clock, monotonic=fake.monotonic, sleep=fake.sleep)
        await asyncio.gather(*(notifier.send(alert(hook, f"Story {n}")) for n in range(21)))

    times = seen["/workflows/a"]
    assert len(times) == 21  # the burst is delayed, not dropped
    for i in range(len(times) - 4):
        assert times[i + 4] - times[i] >= 1.0  # never a fifth request within one second
    assert times[-1] - times[0] == pytest.approx(5.0)  # and it goes out at the full rate


async def test_each_webhook_has_its_own_rate_limit(clock: FakeClock) -> None:
    fake = FakeTime()
    transport = httpx.MockTransport(lambda request: httpx.Response(202))
    async with httpx.AsyncClient(transport=transport) as client:
        notifier = TeamsWebhookNotifier(client, clock, monotonic=fake.monotonic, sleep=fake.sleep)
        for hook in ("https://hooks.example/a?sig=1", "https://hooks.example/b?sig=2"):
            for _ in range(4):
                await notifier.send(alert(hook))
        assert fake.sleeps == []  # four to each: nobody waits
        await notifier.send(alert("https://hooks.example/a?sig=1"))
        assert fake.sleeps == [pytest.approx(1.0)]  # the fifth to one webhook does


async def test_rate_limiter_allows_fractional_rates() -> None:
    fake = FakeTime()
    limiter = WebhookRateLimiter(0.5, monotonic=fake.monotonic, sleep=fake.sleep)
    stamps = []
    for _ in range(3):
        await limiter.acquire("hook")
        stamps.append(fake.now)
    assert stamps == [1000.0, 1002.0, 1004.0]


async def test_429_is_retried_after_the_retry_after_the_server_gave(
    webhook: WebhookStandIn, clock: FakeClock
) -> None:
    webhook.script = [(429, {"Retry-After": "7"}, ""), (429, {"Retry-After": "3"}, "")]
    fake = FakeTime()
    async with httpx.AsyncClient() as client:
        notifier = TeamsWebhookNotifier(client, clock, monotonic=fake.monotonic, sleep=fake.sleep)
        assert await notifier.send(alert(webhook.url())) == "run-1"
    assert len(webhook.received) == 3
    assert fake.sleeps == [7.0, 3.0]  # exactly what the server asked for


async def test_5xx_is_retried_with_backoff_then_kept_queued(
    webhook: WebhookStandIn, clock: FakeClock
) -> None:
    webhook.script = [(503, {}, "busy")] * 3
    fake = FakeTime()
    async with httpx.AsyncClient() as client:
        notifier = TeamsWebhookNotifier(
            client, clock, attempts=3, monotonic=fake.monotonic, sleep=fake.sleep
        )
        with pytest.raises(RateLimitedError) as caught:
            await notifier.send(alert(webhook.url()))
    assert len(webhook.received) == 3
    assert len(fake.sleeps) == 2
    assert all(0 <= s <= 60 for s in fake.sleeps)
    assert caught.value.retry_after > 0
    assert "S3CRET" not in str(caught.value)
    assert "hooks" not in str(caught.value)


async def test_a_long_retry_after_is_handed_back_to_the_queue_at_once(
    webhook: WebhookStandIn, clock: FakeClock
) -> None:
    webhook.script = [(429, {"Retry-After": "600"}, "")]
    fake = FakeTime()
    async with httpx.AsyncClient() as client:
        notifier = TeamsWebhookNotifier(client, clock, monotonic=fake.monotonic, sleep=fake.sleep)
        with pytest.raises(RateLimitedError) as caught:
            await notifier.send(alert(webhook.url()))
    assert caught.value.retry_after == 600
    assert len(webhook.received) == 1
    assert fake.sleeps == []


async def test_a_refused_alert_is_a_delivery_error_without_the_secret(
    webhook: WebhookStandIn, clock: FakeClock
) -> None:
    webhook.script = [
        (
            400,
            {"Content-Type": "application/json"},
            '{"error": {"code": "InvalidRequestContent", "message": "see sig=S3CRET-SIGNATURE"}}',
        )
    ]
    async with httpx.AsyncClient() as client:
        notifier = TeamsWebhookNotifier(client, clock)
        with pytest.raises(DeliveryError) as caught:
            await notifier.send(alert(webhook.url()))
    assert not isinstance(caught.value, RateLimitedError)
    assert len(webhook.received) == 1  # a 4xx is not retried
    message = str(caught.value)
    assert "HTTP 400" in message
    assert "InvalidRequestContent" in message
    assert "S3CRET" not in message
    assert "/workflows/" not in message


async def test_the_webhook_url_never_reaches_the_logs(
    webhook: WebhookStandIn, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    webhook.script = [(500, {}, "")]
    fake = FakeTime()
    async with httpx.AsyncClient() as client:
        notifier = TeamsWebhookNotifier(client, clock, monotonic=fake.monotonic, sleep=fake.sleep)
        await notifier.send(alert(webhook.url()))
    assert any(r.name == "httpx" for r in caplog.records)  # httpx did log each request…
    assert "S3CRET" not in caplog.text  # …with the webhook redacted
    assert redact(webhook.url()) in caplog.text


async def test_unreachable_webhook_is_kept_queued(clock: FakeClock) -> None:
    fake = FakeTime()

    def fail(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("connection refused", request=request)

    async with httpx.AsyncClient(transport=httpx.MockTransport(fail)) as client:
        notifier = TeamsWebhookNotifier(
            client, clock, attempts=2, monotonic=fake.monotonic, sleep=fake.sleep
        )
        with pytest.raises(RateLimitedError):
            await notifier.send(alert("https://hooks.example/workflows/x?sig=S3CRET"))


async def test_a_destination_that_is_not_a_webhook_url_is_refused_for_good(
    clock: FakeClock,
) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(202))
    item, assessment = make_alert()
    conversation = Destination(platform="teams", target="19:desk@thread.tacv2")
    async with httpx.AsyncClient(transport=transport) as client:
        notifier = TeamsWebhookNotifier(client, clock)
        with pytest.raises(DeliveryError) as caught:
            await notifier.send(Alert(item=item, assessment=assessment, destination=conversation))
    assert not isinstance(caught.value, RateLimitedError)  # not retried forever

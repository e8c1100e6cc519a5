"""The WebSub subscriber: subscribe to the hub a polled feed names, answer the hub's
verification of intent, take signed content into the same ingest as a poll, renew leases,
unsubscribe when a feed is removed. Polling stays on as the fallback, slower while the
subscription is verified and healthy, so that a silent hub loses nothing."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain.config import FeedSpec
from bot.domain.websub import (
    LEASE_SECONDS,
    Subscription,
    link_relations,
    signature_ok,
    verify_intent,
    wants_subscribe,
)
from bot.errors import SignalbotError
from bot.ports import Clock, FetchResult, HubClient, ParsedFeed, UrlGuard, WebSubStore

log = logging.getLogger(__name__)
CALLBACK_PATH = "/websub/"


@dataclass(frozen=True)
class PushOutcome:
    """The HTTP status to answer a content distribution with, and why."""

    status: int
    reason: str = ""
    feed: FeedSpec | None = None


class WebSub:
    def __init__(
        self,
        store: WebSubStore,
        hubs: HubClient,
        clock: Clock,
        public_url: str,
        *,
        lease_seconds: int = LEASE_SECONDS,
        poll_stretch: float = 4.0,
    ) -> None:
        self._store = store
        self._hubs = hubs
        self._clock = clock
        self._public = public_url.rstrip("/")
        self._lease = lease_seconds
        self.poll_stretch = poll_stretch

    def callback_url(self, sub: Subscription) -> str:
        return f"{self._public}{CALLBACK_PATH}{sub.callback}"

    async def after_poll(
        self,
        spec: FeedSpec,
        result: FetchResult,
        parsed: ParsedFeed,
        guard: UrlGuard | None = None,
    ) -> None:
        """Subscribe (or renew) when the feed names a hub; never raises. ``guard`` checks the
        hub's address for feeds that may not reach private networks (added from chat)."""
        links = link_relations(result.link_header, result.url)
        hub = links.get("hub") or parsed.hub
        topic = links.get("self") or parsed.self_url or spec.url
        try:
            sub = await self._store.websub_subscription(spec.name)
            if wants_subscribe(sub, hub, topic, self._clock.now()):
                if guard is not None:
                    await guard.check(hub)
                await self.subscribe(spec.name, hub, topic, sub)
        except SignalbotError as exc:
            log.warning("feed %s: WebSub subscription at %s failed: %s", spec.name, hub, exc)

    async def subscribe(
        self, feed: str, hub: str, topic: str, old: Subscription | None = None
    ) -> Subscription:
        """Request a subscription (a fresh secret unless renewing the same hub and topic)."""
        same = old is not None and old.hub == hub and old.topic == topic
        sub = Subscription(
            feed=feed,
            topic=topic,
            hub=hub,
            callback=old.callback if old is not None and same else secrets.token_urlsafe(18),
            secret=old.secret if old is not None and same else secrets.token_hex(32),
            state=old.state if old is not None and same and old.state == "verified" else "pending",
            requested_at=self._clock.now(),
            lease_expires_at=old.lease_expires_at if old is not None and same else None,
        )
        await self._store.save_websub(sub)
        try:
            await self._hubs.request(hub, self._form("subscribe", sub))
        except SignalbotError as exc:
            await self._store.save_websub(sub.model_copy(update={"last_error": str(exc)[:300]}))
            raise
        log.info("feed %s: asked %s for WebSub pushes of %s", feed, hub, topic)
        return sub

    async def unsubscribe(self, feed: str) -> None:
        """Ask the hub to stop (the feed was removed); forget the subscription either way."""
        sub = await self._store.websub_subscription(feed)
        if sub is None:
            return
        leaving = sub.model_copy(update={"state": "unsubscribing"})
        await self._store.save_websub(leaving)
        try:
            await self._hubs.request(sub.hub, self._form("unsubscribe", leaving))
        except SignalbotError as exc:
            log.warning("feed %s: WebSub unsubscribe at %s failed: %s", feed, sub.hub, exc)
            await self._store.delete_websub(feed)

    async def renew_due(self, feeds: list[FeedSpec]) -> int:
        """Renew the leases that end soon, ask again where the hub never verified (hourly), and
        drop subscriptions of feeds no longer watched."""
        names = {f.name for f in feeds}
        now = self._clock.now()
        renewed = 0
        for sub in await self._store.websub_subscriptions():
            if sub.feed not in names and sub.state != "unsubscribing":
                await self.unsubscribe(sub.feed)
            elif wants_subscribe(sub, sub.hub, sub.topic, now):  # a lease ending, or unanswered
                try:
                    await self.subscribe(sub.feed, sub.hub, sub.topic, sub)
                    renewed += 1
                except SignalbotError as exc:
                    log.warning("feed %s: WebSub subscription request failed: %s", sub.feed, exc)
        return renewed

    async def healthy(self, feed: str) -> bool:
        sub = await self._store.websub_subscription(feed)
        return sub is not None and sub.healthy(self._clock.now())

    async def stretch(self, feed: str, next_at: datetime, cap: timedelta) -> datetime:
        """The next poll of a feed whose pushes arrive: ``poll_stretch`` times further away
        (within ``cap``), so polling remains the fallback of a silent hub."""
        now = self._clock.now()
        if not await self.healthy(feed):
            return next_at
        return now + min(cap, (next_at - now) * self.poll_stretch)

    async def verify(self, callback: str, params: dict[str, str]) -> tuple[int, str]:
        """Answer a verification of intent: ``(200, challenge)`` when we asked for exactly this,
        ``(404, "")`` otherwise. A ``denied`` notice is acknowledged and recorded."""
        sub = await self._store.websub_by_callback(callback)
        now = self._clock.now()
        mode = params.get("hub.mode", "")
        if mode == "denied" and sub is not None:
            reason = params.get("hub.reason", "")[:300]
            await self._store.save_websub(
                sub.model_copy(update={"state": "denied", "last_error": f"denied: {reason}"})
            )
            return 200, ""
        challenge = params.get("hub.challenge", "")
        ok, after = verify_intent(
            sub, mode, params.get("hub.topic", ""), params.get("hub.lease_seconds", ""), now
        )
        if not ok or not challenge:
            await self._store.record_websub_refusal(
                callback,
                sub.feed if sub else None,
                f"verification refused ({mode or 'no mode'})",
                now,
            )
            return 404, ""
        if after is None and sub is not None:
            await self._store.delete_websub(sub.feed)
        elif after is not None:
            await self._store.save_websub(after)
        return 200, challenge

    async def check_push(
        self, callback: str, body: bytes, signature: str | None, link_header: str | None
    ) -> tuple[Subscription | None, str]:
        """The subscription a content distribution belongs to, or None and why it is refused
        (unknown callback, unverified subscription, unsigned or wrongly signed, other topic).
        Refusals are recorded."""
        sub = await self._store.websub_by_callback(callback)
        reason = ""
        if sub is None:
            reason = "unknown callback"
        elif sub.state != "verified":
            reason = f"subscription not verified ({sub.state})"
        elif not signature:
            reason = "unsigned push"
        elif not signature_ok(sub.secret, body, signature):
            reason = "signature does not match"
        else:
            topic = link_relations(link_header, sub.topic).get("self")
            if topic and topic != sub.topic:
                reason = f"push for another topic ({topic[:200]})"
        if reason:
            log.warning("WebSub push refused: %s", reason)
            await self._store.record_websub_refusal(
                callback, sub.feed if sub else None, reason, self._clock.now()
            )
            return None, reason
        return sub, ""

    def _form(self, mode: str, sub: Subscription) -> dict[str, str]:
        form = {
            "hub.mode": mode,
            "hub.topic": sub.topic,
            "hub.callback": self.callback_url(sub),
        }
        if mode == "subscribe":
            form["hub.secret"] = sub.secret
            form["hub.lease_seconds"] = str(self._lease)
        return form

"""WebSub (W3C Recommendation) subscriber decisions, pure: the subscription record, when to
(re)subscribe, the answer to a verification of intent, and the content signature check.

A subscription is ``pending`` from the request until the hub verifies our intent, ``verified``
while its lease runs, ``unsubscribing`` once the feed is removed, and ``denied`` when the hub
refused it. Only a verified subscription with a matching ``X-Hub-Signature`` delivers content.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta
from typing import Literal
from urllib.parse import urljoin

from pydantic import BaseModel, ConfigDict

State = Literal["pending", "verified", "unsubscribing", "denied"]
LEASE_SECONDS = 10 * 24 * 3600
RETRY_PENDING = timedelta(hours=1)
SIGNATURE_ALGORITHMS = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha384": hashlib.sha384,
    "sha512": hashlib.sha512,
}


class Subscription(BaseModel):
    """One feed's subscription at its hub; ``callback`` is the random path segment of our
    callback URL and ``secret`` the HMAC key the hub signs content with."""

    model_config = ConfigDict(frozen=True)

    feed: str
    topic: str
    hub: str
    callback: str
    secret: str
    state: State = "pending"
    requested_at: datetime
    lease_expires_at: datetime | None = None
    last_error: str = ""

    def healthy(self, now: datetime) -> bool:
        """Verified and its lease still running: pushes are expected, polling may slow down."""
        return self.state == "verified" and (
            self.lease_expires_at is None or self.lease_expires_at > now
        )


def renew_at(sub: Subscription) -> datetime | None:
    """When to renew a verified lease: a tenth of it (a minute to a day) before it ends."""
    if sub.state != "verified" or sub.lease_expires_at is None:
        return None
    lease = sub.lease_expires_at - sub.requested_at
    margin = min(timedelta(days=1), max(timedelta(minutes=1), lease / 10))
    return sub.lease_expires_at - margin


def wants_subscribe(sub: Subscription | None, hub: str, topic: str, now: datetime) -> bool:
    """Whether to send a subscription request now for a feed whose hub is ``hub``."""
    if not hub or not topic:
        return False
    if sub is None or sub.hub != hub or sub.topic != topic:
        return True
    if sub.state in ("pending", "denied"):
        return now - sub.requested_at >= RETRY_PENDING
    if sub.state == "unsubscribing":
        return False
    due = renew_at(sub)
    return due is not None and now >= due


def verify_intent(
    sub: Subscription | None, mode: str, topic: str, lease_seconds: str, now: datetime
) -> tuple[bool, Subscription | None]:
    """Whether to confirm a hub's verification request (echo the challenge), and the
    subscription as it stands after it. Subscribing needs a subscription we requested for that
    topic; unsubscribing needs one we are removing."""
    if sub is None or topic != sub.topic:
        return False, sub
    if mode == "subscribe" and sub.state in ("pending", "verified"):
        lease = int(lease_seconds) if lease_seconds.isdigit() else LEASE_SECONDS
        return True, sub.model_copy(
            update={
                "state": "verified",
                "requested_at": now,
                "lease_expires_at": now + timedelta(seconds=lease),
                "last_error": "",
            }
        )
    if mode == "unsubscribe" and sub.state == "unsubscribing":
        return True, None
    return False, sub


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    """``X-Hub-Signature: method=hexdigest`` matches the body under the subscription's secret
    (sha1, sha256, sha384 or sha512), compared in constant time."""
    if not header or not secret:
        return False
    method, _, given = header.strip().partition("=")
    algorithm = SIGNATURE_ALGORITHMS.get(method.strip().lower())
    if algorithm is None or not given:
        return False
    expected = hmac.new(secret.encode(), body, algorithm).hexdigest()
    return hmac.compare_digest(expected, given.strip().lower())


def link_relations(header: str | None, base: str) -> dict[str, str]:
    """``{rel: url}`` from an HTTP ``Link`` header (the first URL of each relation)."""
    found: dict[str, str] = {}
    for part in re.split(r",\s*(?=<)", header or ""):
        match = re.match(r"\s*<([^>]*)>(.*)", part)
        if not match:
            continue
        rel = re.search(r'rel\s*=\s*"?([^";]+)"?', match.group(2), re.IGNORECASE)
        url = urljoin(base, match.group(1).strip())
        if rel and url.startswith(("http://", "https://")):
            for name in rel.group(1).lower().split():
                found.setdefault(name, url)
    return found

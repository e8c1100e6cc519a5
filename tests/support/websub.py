"""A WebSub hub stand-in on loopback: records subscription requests (answering 202), verifies
intent at the subscriber's callback and distributes signed content, as a hub does."""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs

import httpx

from tests.support.servers import serve


class HubStandIn:
    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.base = ""

    @property
    def url(self) -> str:
        return self.base + "/hub"

    def record(self, body: bytes) -> None:
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        with self.arrived:
            self.requests.append(form)
            self.arrived.notify_all()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[dict[str, str]]:
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.requests) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} hub request(s), got {len(self.requests)}")
            return list(self.requests)

    def verify(
        self, form: dict[str, str], *, topic: str | None = None, lease: int = 3600
    ) -> httpx.Response:
        """The verification of intent for a recorded request (GET to its callback)."""
        params = {
            "hub.mode": form["hub.mode"],
            "hub.topic": topic if topic is not None else form["hub.topic"],
            "hub.challenge": secrets.token_hex(8),
            "hub.lease_seconds": str(lease),
        }
        response = httpx.get(form["hub.callback"], params=params, timeout=5)
        self.last_challenge = params["hub.challenge"]
        return response

    def push(
        self,
        callback: str,
        body: bytes,
        secret: str | None,
        *,
        algorithm: str = "sha256",
        topic: str = "",
    ) -> httpx.Response:
        """A content distribution, signed with ``secret`` (unsigned when None)."""
        headers = {"Content-Type": "application/rss+xml"}
        if secret is not None:
            digest = hmac.new(secret.encode(), body, getattr(hashlib, algorithm)).hexdigest()
            headers["X-Hub-Signature"] = f"{algorithm}={digest}"
        if topic:
            headers["Link"] = f'<{self.url}>; rel="hub", <{topic}>; rel="self"'
        return httpx.post(callback, content=body, headers=headers, timeout=5)


def _handler(hub: HubStandIn) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            hub.record(body)
            self.send_response(202)
            self.send_header("Content-Length", "0")
            self.end_headers()

    return Handler


@contextmanager
def hub_server() -> Iterator[HubStandIn]:
    hub = HubStandIn()
    with serve(_handler(hub)) as base:
        hub.base = base
        yield hub

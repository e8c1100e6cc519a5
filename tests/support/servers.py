"""Real HTTP servers on loopback for tests: a feed server and a Slack Web API stand-in."""

from __future__ import annotations

import json
import random
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Resource:
    body: bytes = b""
    status: int = 200
    etag: str | None = None
    content_type: str = "application/rss+xml"
    headers: dict[str, str] = field(default_factory=dict)
    fail_times: int = 0  # answer ``fail_status`` this many times first
    fail_status: int = 503
    fail_headers: dict[str, str] = field(default_factory=dict)
    gate: threading.Event | None = None  # when set, the answer waits until the test opens it


class FeedServer:
    """Serves feeds from memory; honours If-None-Match; can fail on demand; counts requests."""

    def __init__(self) -> None:
        self.resources: dict[str, Resource] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.lock = threading.Lock()
        self.base = ""

    def set(self, path: str, body: bytes | str, **kwargs: Any) -> str:
        data = body.encode() if isinstance(body, str) else body
        with self.lock:
            self.resources[path] = Resource(body=data, **kwargs)
        return self.base + path

    def hits(self, path: str) -> int:
        return sum(1 for p, _ in self.requests if p == path)

    def handle(self, path: str, headers: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            res = self.resources.get(path)
        if res is not None and res.gate is not None:
            res.gate.wait(timeout=30)
        with self.lock:
            self.requests.append((path, headers))
            if res is None:
                return 404, {"Content-Type": "text/plain"}, b"not found"
            if res.fail_times > 0:
                res.fail_times -= 1
                return res.fail_status, dict(res.fail_headers), b"temporarily unavailable"
            out_headers = {"Content-Type": res.content_type, **res.headers}
            if res.etag:
                out_headers["ETag"] = res.etag
                if headers.get("if-none-match") == res.etag:
                    return 304, out_headers, b""
            return res.status, out_headers, res.body


@dataclass
class SlackCall:
    method: str
    params: dict[str, Any]
    token: str
    at: float = field(default_factory=time.monotonic)


class SlackStandIn:
    """Records Slack Web API calls; can answer 429 with Retry-After a number of times.

    Posted messages are kept per channel with their ``metadata`` and answered back by
    ``conversations.history`` and ``conversations.replies`` (metadata only with
    ``include_all_metadata``). ``post_delay`` makes every post slow (the message is stored
    before the wait, as Slack stores it before a client that died could read the answer).
    """

    def __init__(self) -> None:
        self.calls: list[SlackCall] = []
        self.uploads: dict[str, bytes] = {}
        self.rate_limit_times = 0
        self.retry_after = 1
        self.post_delay = 0.0
        self.rate_limit_ratio = 0.0  # answer 429 to this share of calls (a storm), at random
        self.refuse: dict[str, str] = {}  # method → the Slack error it answers (missing_scope)
        self.random = random.Random(12)  # noqa: S311 -- which calls fail, not security
        self.lock = threading.Lock()
        self.base = ""
        self._ts = 0  # microseconds; message timestamps follow the wall clock, like Slack's
        self.messages: dict[str, list[dict[str, Any]]] = {}
        # auth.test: the scopes granted (its x-oauth-scopes header), or an error to answer
        self.scopes = [
            "chat:write",
            "commands",
            "usergroups:read",
            "files:write",
            "channels:read",
            "groups:read",
            "channels:history",
            "groups:history",
        ]
        self.auth_error: str | None = None
        # conversations.info: channel id → whether the bot is a member (unknown: channel_not_found)
        self.members: dict[str, bool] = {}
        # apps.connections.open: the Socket Mode WebSocket URL to hand out
        self.socket_url = ""

    def posts(self) -> list[dict[str, Any]]:
        return [c.params for c in self.calls if c.method == "chat.postMessage"]

    def posted_keys(self) -> list[str]:
        """The idempotency key of every message posted (in order), as kept in its metadata."""
        with self.lock:
            messages = [m for found in self.messages.values() for m in found]
        return [
            str(m.get("metadata", {}).get("event_payload", {}).get("key", "")) for m in messages
        ]

    def _store_message(self, params: dict[str, Any], ts: str) -> None:
        metadata = params.get("metadata")
        if isinstance(metadata, str):
            metadata = json.loads(metadata)
        message: dict[str, Any] = {"type": "message", "ts": ts, "text": params.get("text", "")}
        if metadata:
            message["metadata"] = metadata
        if params.get("thread_ts"):
            message["thread_ts"] = params["thread_ts"]
            message["reply_broadcast"] = str(params.get("reply_broadcast")).lower() in (
                "1",
                "true",
            )
        self.messages.setdefault(str(params.get("channel", "")), []).append(message)

    def _read(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        channel = str(params.get("channel", ""))
        oldest = float(params.get("oldest") or 0)
        with_metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
        found = list(self.messages.get(channel, []))  # the caller holds the lock
        if method == "conversations.replies":
            root = str(params.get("ts", ""))
            found = [m for m in found if m["ts"] == root or m.get("thread_ts") == root]
        else:
            found = [m for m in found if "thread_ts" not in m or m.get("reply_broadcast")]
        found = [m for m in found if float(m["ts"]) > oldest]
        found.sort(key=lambda m: float(m["ts"]), reverse=method == "conversations.history")
        limit = int(params.get("limit") or 100)
        start = int(params.get("cursor") or 0)
        page = found[start : start + limit]
        more = start + limit < len(found)
        if not with_metadata:
            page = [{k: v for k, v in m.items() if k != "metadata"} for m in page]
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def handle(
        self, method: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if method.startswith("upload-"):  # the file bytes of files_upload_v2
            with self.lock:
                self.uploads[method.removeprefix("upload-")] = body
            return 200, {"Content-Type": "text/plain"}, f"OK - {len(body)}".encode()
        content_type = headers.get("content-type", "")
        if "json" in content_type:
            params = json.loads(body or b"{}")
        else:
            params = {k: v[0] for k, v in parse_qs(body.decode()).items()}
            if isinstance(params.get("blocks"), str):
                params["blocks"] = json.loads(params["blocks"])
        token = headers.get("authorization", "").removeprefix("Bearer ")
        if method == "files.getUploadURLExternal":
            with self.lock:
                self.calls.append(SlackCall(method, params, token))
                file_id = f"F{len(self.calls):04d}"
            payload = {
                "ok": True,
                "upload_url": self.base + f"upload-{file_id}",
                "file_id": file_id,
            }
            return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()
        if method == "files.completeUploadExternal":
            with self.lock:
                self.calls.append(SlackCall(method, params, token))
            files = (
                json.loads(params.get("files", "[]"))
                if isinstance(params.get("files"), str)
                else params.get("files", [])
            )
            payload = {
                "ok": True,
                "files": [{"id": f.get("id"), "title": f.get("title")} for f in files],
            }
            return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()
        if method == "auth.test" and self.auth_error is not None:
            payload = {"ok": False, "error": self.auth_error}
            return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()
        if method == "conversations.info":
            with self.lock:
                self.calls.append(SlackCall(method, params, token))
            channel = params.get("channel", "")
            if channel not in self.members:
                payload = {"ok": False, "error": "channel_not_found"}
            else:
                payload = {
                    "ok": True,
                    "channel": {"id": channel, "is_member": self.members[channel]},
                }
            return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()
        if method == "apps.connections.open":
            with self.lock:
                self.calls.append(SlackCall(method, params, token))
            payload = {"ok": True, "url": self.socket_url}
            return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()
        if method == "auth.test":
            payload = {
                "ok": True,
                "user_id": "UBOT",
                "bot_id": "BBOT",
                "team_id": "T1",
                "user": "signalbot",
            }
            scopes = {"x-oauth-scopes": ",".join(self.scopes)}
            return (
                200,
                {"Content-Type": "application/json", **scopes},
                json.dumps(payload).encode(),
            )
        with self.lock:
            if self.rate_limit_times > 0 or self.random.random() < self.rate_limit_ratio:
                self.rate_limit_times = max(0, self.rate_limit_times - 1)
                self.calls.append(SlackCall(method + ":429", params, token))
                payload = {"ok": False, "error": "ratelimited"}
                return (
                    429,
                    {"Retry-After": str(self.retry_after), "Content-Type": "application/json"},
                    json.dumps(payload).encode(),
                )
            self.calls.append(SlackCall(method, params, token))
            if method in self.refuse:
                payload = {"ok": False, "error": self.refuse[method]}
                return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()
            if method in ("conversations.history", "conversations.replies"):
                payload = self._read(method, params)
                return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()
            self._ts = max(self._ts + 1, int(time.time() * 1_000_000))
            ts = f"{self._ts // 1_000_000}.{self._ts % 1_000_000:06d}"
            if method == "chat.postMessage":
                self._store_message(params, ts)
            payload = {"ok": True, "channel": params.get("channel", ""), "ts": ts}
        if method == "chat.postMessage" and self.post_delay:
            time.sleep(self.post_delay)
        return 200, {"Content-Type": "application/json"}, json.dumps(payload).encode()


class Recorder:
    """Records JSON POSTs (a Slack response_url, a webhook) and answers 200."""

    def __init__(self) -> None:
        self.received: list[tuple[str, Any]] = []
        self.lock = threading.Lock()
        self.arrived = threading.Condition(self.lock)
        self.base = ""

    def handle(
        self, method: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        with self.arrived:
            self.received.append((method, json.loads(body or b"null")))
            self.arrived.notify_all()
        return 200, {"Content-Type": "text/plain"}, b"ok"

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Any]:
        """Block until ``count`` bodies arrived (or fail after ``timeout`` seconds)."""
        with self.arrived:
            if not self.arrived.wait_for(lambda: len(self.received) >= count, timeout=timeout):
                raise AssertionError(f"expected {count} POST(s), got {len(self.received)}")
            return [body for _, body in self.received]


def _make_handler(
    feed: FeedServer | None, slack: SlackStandIn | Recorder | None
) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def do_GET(self) -> None:
            headers = {k.lower(): v for k, v in self.headers.items()}
            if feed is not None:
                self._reply(*feed.handle(self.path, headers))
                return
            assert slack is not None  # Web API methods called with GET carry their query
            path, _, query = self.path.partition("?")
            method = path.rstrip("/").rsplit("/", 1)[-1]
            form = {k: v for k, v in headers.items() if k != "content-type"}
            self._reply(*slack.handle(method, query.encode(), form))

        def do_POST(self) -> None:
            assert slack is not None
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            headers = {k.lower(): v for k, v in self.headers.items()}
            path, _, query = self.path.partition("?")
            method = path.rstrip("/").rsplit("/", 1)[-1]
            if query and not body:  # parameters sent in the query string
                body, headers = (
                    query.encode(),
                    {k: v for k, v in headers.items() if k != "content-type"},
                )
            self._reply(*slack.handle(method, body, headers))

    return Handler


class _Server(ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        if isinstance(sys.exc_info()[1], (BrokenPipeError, ConnectionResetError)):
            return  # a client that went away (a killed process): nothing to report
        super().handle_error(request, client_address)


@contextmanager
def serve(handler: type[BaseHTTPRequestHandler]) -> Iterator[str]:
    server = _Server(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def feed_server() -> Iterator[FeedServer]:
    feeds = FeedServer()
    with serve(_make_handler(feeds, None)) as base:
        feeds.base = base
        yield feeds


@contextmanager
def slack_server() -> Iterator[SlackStandIn]:
    slack = SlackStandIn()
    with serve(_make_handler(None, slack)) as base:
        slack.base = base + "/api/"
        yield slack


@contextmanager
def recorder_server() -> Iterator[Recorder]:
    recorder = Recorder()
    with serve(_make_handler(None, recorder)) as base:
        recorder.base = base
        yield recorder

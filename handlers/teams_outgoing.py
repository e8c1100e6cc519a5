"""Teams outgoing webhook at POST /teams/outgoing: @mention the webhook in a channel to run a
command, with no Azure bot registration.

Teams signs each request: ``Authorization: HMAC <base64 HMAC-SHA256 of the raw body>``, keyed with
the base64-decoded security token Teams showed when the webhook was made (``TEAMS_OUTGOING_TOKEN``).
The signature is checked in constant time before anything else; a wrong or missing one gets 401.

Teams waits at most 5 seconds and accepts no follow-up messages, so the answer is given within
``timeout_s`` (4.5 s by default): the result as an Adaptive Card (open-URL actions only), or, when
the work is not done in time, a message saying so. A change an admin asked for (``feeds add``)
still completes in the background; an analysis that ran out of time is abandoned.

Outgoing-webhook users are not admins unless their Azure AD object id is in ``admins``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import hashlib
import hmac
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any

from aiohttp import web
from pydantic import SecretStr

from bot.adapters.clock import SystemClock
from bot.domain.commands import Command, is_mutating
from bot.domain.config import Destination
from bot.domain.text import html_to_text
from bot.errors import ConfigError
from bot.ports import Clock
from bot.render.teams import CARD_CONTENT_TYPE, reply_card
from bot.services.chat import ChatService, Reply

log = logging.getLogger(__name__)
PATH = "/teams/outgoing"
_MENTION = re.compile(r"<at\b[^>]*>.*?</at>", re.IGNORECASE | re.DOTALL)


def signing_key(token: SecretStr) -> bytes:
    """The HMAC key: the security token Teams gave, base64-decoded."""
    try:
        key = base64.b64decode(token.get_secret_value().strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ConfigError(
            [("TEAMS_OUTGOING_TOKEN", "not the base64 security token Teams showed")]
        ) from None
    if not key:
        raise ConfigError([("TEAMS_OUTGOING_TOKEN", "empty")])
    return key


def sign(body: bytes, key: bytes) -> str:
    """The ``Authorization`` header value Teams sends for ``body``."""
    digest = hmac.new(key, body, hashlib.sha256).digest()
    return "HMAC " + base64.b64encode(digest).decode()


def verify(body: bytes, header: str | None, key: bytes) -> bool:
    """True when ``header`` is a valid ``HMAC <base64>`` signature of ``body`` (constant time)."""
    if not header:
        return False
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "hmac" or not value.strip():
        return False
    expected = sign(body, key).partition(" ")[2].encode()
    return hmac.compare_digest(expected, value.strip().encode("utf-8", "replace"))


def command_text(raw: str) -> str:
    """The command a Teams message carries: ``<at>…</at>`` mentions and HTML removed."""
    return " ".join(html_to_text(_MENTION.sub(" ", raw or "")).split())


def card_message(reply: Reply, clock: Clock) -> dict[str, Any]:
    """A reply as the message an outgoing webhook answers with: one Adaptive Card."""
    content = reply_card(reply, clock.now().date())
    return {
        "type": "message",
        "attachments": [{"contentType": CARD_CONTENT_TYPE, "content": content}],
    }


def text_message(text: str) -> dict[str, Any]:
    """A plain answer in the bot's own words (never untrusted text)."""
    return {"type": "message", "text": text}


class OutgoingWebhook:
    """Verifies, runs and answers one outgoing-webhook request."""

    def __init__(
        self,
        chat: ChatService,
        key: bytes,
        clock: Clock,
        admins: frozenset[str],
        timeout_s: float,
    ) -> None:
        self._chat = chat
        self._key = key
        self._clock = clock
        self._admins = admins
        self._timeout = timeout_s
        self._background: set[asyncio.Task[Reply]] = set()
        self._seen: OrderedDict[str, float] = OrderedDict()

    def _first_time(self, signature: str, window_s: float = 600.0) -> bool:
        """Whether this signed body is new (Teams signs each message, with its own id, once)."""
        now = time.monotonic()
        while self._seen and next(iter(self._seen.values())) < now:
            self._seen.popitem(last=False)
        if signature in self._seen:
            return False
        self._seen[signature] = now + window_s
        return True

    async def handle(self, request: web.Request) -> web.Response:
        started = asyncio.get_running_loop().time()
        body = await request.read()
        if not verify(body, request.headers.get("Authorization"), self._key):
            log.warning("Teams outgoing webhook: bad or missing signature from %s", request.remote)
            return web.json_response({"error": "unauthorized"}, status=401)
        try:
            activity = await request.json()
        except ValueError:
            return web.json_response({"error": "the body is not JSON"}, status=400)
        if not isinstance(activity, dict) or _malformed(activity):
            return web.json_response({"error": "the body is not an activity"}, status=400)
        if not self._first_time(request.headers.get("Authorization", "")):
            log.warning("Teams outgoing webhook: a replayed request was refused")
            return web.json_response({"error": "this request was already processed"}, status=409)
        message = await self._answer(activity, started)
        return web.json_response(message)

    async def _answer(self, activity: dict[str, Any], started: float) -> dict[str, Any]:
        text = command_text(str(activity.get("text") or ""))
        parsed = self._chat.parse(text)
        if isinstance(parsed, Reply):
            return card_message(parsed, self._clock)
        if parsed.kind == "help":
            return card_message(self._chat.help(f"@{_bot_name(activity)}"), self._clock)
        sender = activity.get("from")
        sender = sender if isinstance(sender, dict) else {}
        user = str(sender.get("aadObjectId") or sender.get("id") or "")
        conversation = activity.get("conversation")
        target = conversation.get("id") if isinstance(conversation, dict) else None
        destination = Destination(platform="teams", target=str(target or "unknown"))
        task = asyncio.create_task(
            self._chat.execute(
                parsed, user=user, destination=destination, is_admin=user in self._admins
            )
        )
        remaining = self._timeout - (asyncio.get_running_loop().time() - started)
        try:
            reply = await asyncio.wait_for(asyncio.shield(task), timeout=max(0.0, remaining))
        except TimeoutError:
            return self._late(task, parsed)
        except Exception:
            log.exception("Teams outgoing webhook: %s failed", parsed.kind)
            return text_message("Sorry, that command failed on the bot's side. Please try again.")
        return card_message(reply, self._clock)

    def _late(self, task: asyncio.Task[Reply], command: Command) -> dict[str, Any]:
        """The answer when the work did not finish within Teams' five seconds."""
        if is_mutating(command):
            self._background.add(task)
            task.add_done_callback(self._finished)
            return text_message(
                "Still working on it: Teams gives this webhook only 5 seconds. The change will be "
                "made when the work finishes; check with `feeds list` in a minute."
            )
        task.cancel()
        return text_message(
            "Still working on it, and Teams gives this webhook only 5 seconds, so the result "
            "cannot be posted here. Try again in a minute, or ask the Signalbot bot app, which "
            "posts a follow-up when slow work is done."
        )

    def _finished(self, task: asyncio.Task[Reply]) -> None:
        self._background.discard(task)
        if task.cancelled():
            return
        if (exc := task.exception()) is not None:
            log.error("background Teams command failed: %s", exc.__class__.__name__)
            return
        log.info("background Teams command finished: %s", task.result().text[:200])

    async def close(self, _app: web.Application | None = None) -> None:
        """Let background changes finish (briefly) when the server stops."""
        if self._background:
            await asyncio.wait(self._background, timeout=10)


def _malformed(activity: dict[str, Any]) -> bool:
    """Fields of the wrong type, which no Teams client sends."""
    if not isinstance(activity.get("text", ""), str | None):
        return True
    return any(
        not isinstance(activity.get(key) or {}, dict)
        for key in ("from", "conversation", "recipient")
    )


def _bot_name(activity: dict[str, Any]) -> str:
    recipient = activity.get("recipient")
    name = recipient.get("name") if isinstance(recipient, dict) else None
    return re.sub(r"[^\w .-]", "", str(name or ""))[:40] or "Signalbot"


def register_outgoing(
    app: web.Application,
    chat: ChatService,
    token: SecretStr,
    *,
    admins: Iterable[str] = (),
    clock: Clock | None = None,
    timeout_s: float = 4.5,
) -> None:
    """Add POST /teams/outgoing to ``app``. Raises ``ConfigError`` when the token is not base64."""
    hook = OutgoingWebhook(
        chat, signing_key(token), clock or SystemClock(), frozenset(admins), timeout_s
    )
    app.router.add_post(PATH, hook.handle)
    app.on_cleanup.append(hook.close)

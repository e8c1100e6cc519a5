"""Slack's inbound edge: the slash command, alert buttons, the App Home tab.

Every handler acknowledges first (Slack's 3-second rule); slow work continues after the ack and
answers through ``response_url``. HTTP mode verifies request signatures (Bolt, 5-minute window);
Socket Mode is used when an app-level token is configured.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from datetime import date
from typing import Any
from urllib.parse import parse_qsl

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.config import ChatConfig, Destination
from bot.domain.text import one_line, shorten
from bot.ports import Clock
from bot.render.slack import (
    alert_message,
    digest_blocks,
    escape,
    home_view,
    parse_item_ref,
    text_blocks,
    why_blocks,
)
from bot.services.chat import ChatService, Reply, describe_route

log = logging.getLogger(__name__)
Block = dict[str, Any]

# What the app manifest (deploy/slack/manifest.yaml) must grant, kept beside the code that uses it.
SCOPES = frozenset(
    {
        "chat:write",  # chat.postMessage (alerts), chat.postEphemeral (answers after response_url expires)
        "commands",  # the slash command
        "usergroups:read",  # usergroups.users.list, for admins named by user group
        "files:write",  # files_upload_v2, for the digest's chart
        "channels:read",  # conversations.info: `signalbot doctor` checks the bot is in each route's channel
        "groups:read",  # the same for private channels
        "channels:history",  # conversations.history: find an alert posted just before a crash
        "groups:history",  # the same in private channels
    }
)
EVENTS = ("app_home_opened",)


class Admins:
    """Decides who may change feeds and routes: listed user IDs, or members of listed groups
    (looked up with ``usergroups.users.list`` and cached for five minutes)."""

    def __init__(self, config: ChatConfig, client: AsyncWebClient, ttl_s: float = 300.0) -> None:
        self._users = set(config.admins)
        self._groups = config.admin_groups
        self._client = client
        self._ttl = ttl_s
        self._cache: tuple[float, set[str]] | None = None

    async def is_admin(self, user: str) -> bool:
        if user in self._users:
            return True
        if not self._groups:
            return False
        now = time.monotonic()
        if self._cache is None or now - self._cache[0] > self._ttl:
            members: set[str] = set()
            for group in self._groups:
                try:
                    response = await self._client.usergroups_users_list(usergroup=group)
                    members.update(response.get("users") or [])
                except (SlackApiError, SlackClientError) as exc:
                    log.warning(
                        "cannot list members of user group %s: %s", group, exc.__class__.__name__
                    )
            self._cache = (now, members)
        return user in self._cache[1]


class EventDeduper:
    """Slack retries events it did not see acknowledged; each ``event_id`` is handled once."""

    def __init__(self, size: int = 10_000) -> None:
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._size = size

    def first_time(self, event_id: str) -> bool:
        if event_id in self._seen:
            return False
        self._seen[event_id] = None
        if len(self._seen) > self._size:
            self._seen.popitem(last=False)
        return True


def reply_payload(reply: Reply, today: date) -> dict[str, Any]:
    """A Reply as ``text`` + ``blocks`` for respond() / chat.postMessage (all feed and user text
    escaped)."""
    text = escape(shorten(one_line(reply.text), 300)) or "Signalbot"
    blocks: list[Block] = []
    if reply.analysis is not None and not reply.error:
        item, assessment = reply.analysis
        text, blocks = alert_message(item, assessment, today, interactive=False, evidence=False)
        blocks += why_blocks(item, assessment)[1:]
    if reply.items:
        blocks = digest_blocks(reply.lines[0] if reply.lines else "Digest", reply.items, today)
    elif reply.lines:
        blocks += text_blocks(reply.lines)
    return {"text": text, "blocks": blocks[:50]}


def build_bolt_app(
    *,
    chat: ChatService,
    client: AsyncWebClient,
    signing_secret: str,
    config: ChatConfig,
    clock: Clock,
) -> AsyncApp:
    """A Bolt app with every Slack listener registered."""
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        process_before_response=False,
        raise_error_for_unhandled_request=False,
    )
    admins = Admins(config, client)
    deduper = EventDeduper()

    @app.middleware
    async def drop_retried_events(
        req: AsyncBoltRequest, resp: BoltResponse, next: Callable[[], Awaitable[BoltResponse]]
    ) -> BoltResponse:
        event_id = req.body.get("event_id") if isinstance(req.body, dict) else None
        if event_id and not deduper.first_time(str(event_id)):
            retry = (req.headers.get("x-slack-retry-num") or ["?"])[0]
            log.info("ignoring Slack retry %s of event %s (already handled)", retry, event_id)
            return BoltResponse(status=200, body="")
        return await next()

    register_command(app, chat, admins, config.command, clock)
    register_actions(app, chat, clock)
    register_home(app, chat)
    return app


def register_command(
    app: AsyncApp, chat: ChatService, admins: Admins, name: str, clock: Clock
) -> None:
    @app.command(name)
    async def on_command(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        parsed = chat.parse(str(body.get("text") or ""))
        today = clock.now().date()
        if isinstance(parsed, Reply):
            await ack(**reply_payload(parsed, today), response_type="ephemeral")
            return
        if parsed.kind == "help":
            await ack(**reply_payload(chat.help(name), today), response_type="ephemeral")
            return
        slow = chat.is_slow(parsed)
        await ack(text="Working on it…" if slow else "", response_type="ephemeral")
        user = str(body.get("user_id") or "")
        destination = Destination(platform="slack", target=str(body.get("channel_id") or ""))
        reply = await chat.execute(
            parsed, user=user, destination=destination, is_admin=await admins.is_admin(user)
        )
        payload = reply_payload(reply, today)
        response_type = "in_channel" if reply.share and not reply.error else "ephemeral"
        try:
            await respond(**payload, response_type=response_type, replace_original=False)
        except Exception as exc:
            log.warning("could not answer through response_url: %s", exc.__class__.__name__)
            await _post_ephemeral(app.client, destination.target, user, payload)
        if reply.image_png and response_type == "in_channel":  # a private answer stays private
            await _upload_chart(app.client, destination.target, reply.image_png, reply.image_title)


async def _post_ephemeral(
    client: AsyncWebClient, channel: str, user: str, payload: dict[str, Any]
) -> None:
    try:
        await client.chat_postEphemeral(channel=channel, user=user, **payload)
    except (SlackApiError, SlackClientError) as exc:
        log.error("could not answer %s in %s: %s", user, channel, exc.__class__.__name__)


async def _upload_chart(client: AsyncWebClient, channel: str, png: bytes, title: str) -> None:
    try:
        await client.files_upload_v2(
            channel=channel,
            content=png,
            filename="signalbot-digest.png",
            title=title or "Digest chart",
        )
    except (SlackApiError, SlackClientError) as exc:
        log.warning("could not upload the digest chart to %s: %s", channel, exc.__class__.__name__)


def register_actions(app: AsyncApp, chat: ChatService, clock: Clock) -> None:
    async def context(body: dict[str, Any]) -> tuple[str, Destination, tuple[str, str] | None]:
        user = str((body.get("user") or {}).get("id") or "")
        channel = str(
            (body.get("channel") or {}).get("id")
            or (body.get("container") or {}).get("channel_id")
            or ""
        )
        actions = body.get("actions") or [{}]
        return (
            user,
            Destination(platform="slack", target=channel or "unknown"),
            parse_item_ref(str(actions[0].get("value") or "")),
        )

    @app.action("alert_why")
    async def on_why(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        _, _, ref = await context(body)
        found = await chat.item(*ref) if ref else None
        if found is None:
            await respond(
                text="That alert is no longer in the bot's records.",
                response_type="ephemeral",
                replace_original=False,
            )
            return
        item, assessment = found
        await respond(
            text=f"Why: {shorten(one_line(item.title), 150)}",
            blocks=why_blocks(item, assessment),
            response_type="ephemeral",
            replace_original=False,
        )

    async def vote(body: dict[str, Any], respond: AsyncRespond, value: int) -> None:
        user, destination, ref = await context(body)
        if ref is None:
            return
        await chat.feedback(ref[0], ref[1], user, value, destination)
        await respond(
            text=f"Thanks, your {'👍' if value > 0 else '👎'} is recorded; it helps tune the scorer.",
            response_type="ephemeral",
            replace_original=False,
        )

    @app.action("alert_up")
    async def on_up(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        await vote(body, respond, 1)

    @app.action("alert_down")
    async def on_down(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        await vote(body, respond, -1)

    @app.action("alert_mute")
    async def on_mute(ack: AsyncAck, body: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        user, destination, ref = await context(body)
        if ref is None:
            return
        await chat.mute(ref[0], ref[1], user, destination)
        await respond(
            text="Muted: later items of this story will not alert in this channel.",
            response_type="ephemeral",
            replace_original=False,
        )

    @app.action("open_article")
    async def on_open(ack: AsyncAck) -> None:
        await ack()  # the button opens the URL itself; Slack still expects an acknowledgement


def register_home(app: AsyncApp, chat: ChatService) -> None:
    @app.event(EVENTS[0])
    async def on_home(event: dict[str, Any], client: AsyncWebClient) -> None:
        if event.get("tab") not in (None, "home"):
            return
        feeds = (await chat.feeds_list()).lines
        routes = [f"{r.to} ← {describe_route(r)}" for r in await chat.routes()]
        status = (await chat.status()).lines
        view = home_view(
            [("Status", status), ("Watched feeds", feeds[1:] or feeds), ("Routes", routes)]
        )
        await client.views_publish(user_id=str(event.get("user") or ""), view=view)


class RequestGate:
    """Checks a Slack HTTP request before Bolt sees it: a well-formed, current, valid signature,
    a body Bolt can parse, and no replay (the same signed request is processed once)."""

    def __init__(self, signing_secret: str, window_s: int = 300) -> None:
        self._verifier = SignatureVerifier(signing_secret)
        self._window = window_s
        self._seen: OrderedDict[str, float] = OrderedDict()

    def refusal(self, body: bytes, headers: Mapping[str, str]) -> tuple[int, str] | None:
        """``(status, reason)`` when the request must not be processed, else None."""
        timestamp = headers.get("X-Slack-Request-Timestamp", "")
        signature = headers.get("X-Slack-Signature", "")
        if not re.fullmatch(r"\d{1,12}", timestamp) or not signature.startswith("v0="):
            return 401, "missing or malformed signature headers"
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return 400, "the body is not UTF-8"
        if not self._verifier.is_valid(body=body, timestamp=timestamp, signature=signature):
            return 401, "invalid or expired signature"
        if _unparsable(body, headers.get("Content-Type", "")):
            return 400, "the body is not a Slack payload"
        now = time.time()
        while self._seen and next(iter(self._seen.values())) < now:
            self._seen.popitem(last=False)
        if signature in self._seen:
            if headers.get("X-Slack-Retry-Num"):  # Slack's own retry: acknowledged, not redone
                return 200, "already handled"
            return 409, "this signed request was already processed"
        self._seen[signature] = now + 2 * self._window
        return None


def _unparsable(body: bytes, content_type: str) -> bool:
    """Whether Bolt would fail to read ``body`` as a JSON object or form (or its payload)."""
    try:
        text = body.decode("utf-8")
        if not text:
            return False
        if content_type.split(";")[0].strip() == "application/json" or text.startswith("{"):
            return not isinstance(json.loads(text), dict)
        params = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" in text and "payload" in params:
            return not isinstance(json.loads(params["payload"]), dict)
    except ValueError:
        return True
    return False


def register_http(web_app: web.Application, bolt: AsyncApp, signing_secret: str) -> None:
    """Serve Slack's commands, events and interactivity at POST /slack/events."""
    gate = RequestGate(signing_secret)

    async def slack_events(request: web.Request) -> web.Response:
        body = await request.read()
        refused = gate.refusal(body, request.headers)
        if refused is not None:
            status, reason = refused
            if status == 200:
                return web.Response(status=200)
            log.warning("Slack request refused (%d): %s", status, reason)
            return web.json_response({"error": reason}, status=status)
        bolt_request = await to_bolt_request(request)
        bolt_response = await bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    web_app.router.add_post("/slack/events", slack_events)


async def connect_socket_mode(bolt: AsyncApp, app_token: str) -> Callable[[], Awaitable[None]]:
    """Connect ``bolt`` to Slack over Socket Mode (app-level token ``xapp-…``); return the close
    function."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(bolt, app_token)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    return handler.close_async

"""The Teams bot at POST /api/messages, on the Microsoft 365 Agents SDK for Python.

People message the bot (in a chat, or by @mentioning it in a channel) with the same commands as
Slack's ``/signal``: ``analyze <url | text>``, ``feeds …``, ``route …``, ``digest``, ``status``,
``help``; the same ``ChatService`` answers, rendered as Adaptive Cards. Slow commands (fetching an
article or a new feed) get an immediate "working on it" and a follow-up message in the same
conversation when the result is ready.

Credentials come from the environment through ``Settings``: ``TEAMS_APP_ID``,
``TEAMS_APP_PASSWORD`` (client secret) and ``TEAMS_TENANT_ID`` of the Azure Bot registration.
Every request must then carry a valid Bot Framework / Entra ID token. Without ``TEAMS_APP_ID`` the
endpoint runs in the SDK's anonymous mode — unauthenticated requests accepted, replies sent
without a token — which is for local testing only (e.g. the Agents Playground on loopback); never
expose it to a network.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from typing import Any

from aiohttp import web
from jwt import PyJWTError
from microsoft_agents.activity import Activity, ActivityTypes, Attachment, ConversationReference
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import CloudAdapter
from microsoft_agents.hosting.core import (
    AgentApplication,
    AgentAuthConfiguration,
    ApplicationOptions,
    ClaimsIdentity,
    JwtTokenValidator,
    MemoryStorage,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.authorization import AuthTypes
from pydantic import ValidationError

from bot.adapters.clock import SystemClock
from bot.domain.commands import Command, is_mutating
from bot.domain.config import Destination
from bot.errors import ConfigError
from bot.ports import Clock
from bot.render.teams import CARD_CONTENT_TYPE, reply_card, summary_text
from bot.services.chat import ChatService, Reply
from bot.settings import Settings
from handlers.teams_outgoing import command_text

log = logging.getLogger(__name__)
PATH = "/api/messages"
WORKING = "Working on it… I'll post the result here when it's ready."
FAILED = "Sorry, that command failed on the bot's side. Please try again."


def auth_configuration(settings: Settings) -> AgentAuthConfiguration:
    """The bot's credentials from Settings; anonymous (local testing only) without an app id."""
    if not settings.teams_app_id:
        log.warning(
            "TEAMS_APP_ID is not set: /api/messages runs in anonymous mode and accepts "
            "unauthenticated requests. Use this for local testing only."
        )
        return AgentAuthConfiguration(anonymous_allowed=True)
    secret = settings.teams_app_password.get_secret_value() if settings.teams_app_password else ""
    problems = []
    if not secret:
        problems.append(("TEAMS_APP_PASSWORD", "required when TEAMS_APP_ID is set"))
    if not settings.teams_tenant_id:
        problems.append(("TEAMS_TENANT_ID", "required when TEAMS_APP_ID is set"))
    if problems:
        raise ConfigError(problems, "the environment")
    return AgentAuthConfiguration(
        auth_type=AuthTypes.client_secret,
        client_id=settings.teams_app_id,
        tenant_id=settings.teams_tenant_id,
        client_secret=secret,
        anonymous_allowed=False,
    )


def card_activity(reply: Reply, clock: Clock) -> Activity:
    """A chat reply as a message activity holding one Adaptive Card."""
    content = reply_card(reply, clock.now().date())
    return Activity(
        type=ActivityTypes.message,
        attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=content)],
        summary=summary_text(reply, 200) or "Signalbot",
    )


class _Request:
    """An aiohttp request with the identity this module verified (the SDK's request protocol)."""

    def __init__(self, request: web.Request, identity: ClaimsIdentity) -> None:
        self._request = request
        self._identity = identity

    @property
    def method(self) -> str:
        return self._request.method

    @property
    def headers(self) -> Any:
        return self._request.headers

    async def json(self) -> Any:
        return await self._request.json()

    def get_claims_identity(self) -> ClaimsIdentity:
        return self._identity

    def get_path_param(self, name: str) -> str:
        return self._request.match_info[name]


class TeamsBot:
    """Runs chat commands from Teams messages; answers slow ones with a follow-up."""

    def __init__(
        self,
        chat: ChatService,
        auth: AgentAuthConfiguration,
        clock: Clock,
        admins: frozenset[str],
    ) -> None:
        self._chat = chat
        self._auth = auth
        self._clock = clock
        self._admins = admins
        connections = MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": auth})
        self.adapter = CloudAdapter(connection_manager=connections)
        options = ApplicationOptions(
            storage=MemoryStorage(),
            bot_app_id=auth.CLIENT_ID or "",
            start_typing_timer=False,
            remove_recipient_mention=True,
        )
        self.agent: AgentApplication[TurnState] = AgentApplication[TurnState](
            options, connection_manager=connections
        )
        self.agent.activity(ActivityTypes.message)(self.on_message)
        self.agent.error(self.on_error)
        self._follow_ups: set[asyncio.Task[None]] = set()

    async def handle(self, request: web.Request) -> web.Response:
        """POST /api/messages: authenticate, then let the SDK run the turn."""
        identity = await self._authenticate(request.headers.get("Authorization"))
        if identity is None:
            return web.json_response({"error": "unauthorized"}, status=401)
        try:
            response = await self.adapter.process_request(_Request(request, identity), self.agent)
        except ValidationError:
            return web.json_response({"error": "not a valid activity"}, status=400)
        if response.body is not None:
            return web.json_response(
                response.body, status=response.status_code, headers=response.headers
            )
        return web.Response(status=response.status_code, headers=response.headers)

    async def _authenticate(self, header: str | None) -> ClaimsIdentity | None:
        validator = JwtTokenValidator(self._auth)
        if not header:
            return validator.get_anonymous_claims() if self._auth.ANONYMOUS_ALLOWED else None
        scheme, _, token = header.strip().partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return None
        try:
            return await validator.validate_token(token.strip())
        except (PyJWTError, ValueError) as exc:
            log.warning("Teams bot: token rejected (%s)", exc.__class__.__name__)
            return None
        except Exception as exc:  # a token the SDK cannot even inspect (no kid, keys unreachable)
            log.warning("Teams bot: token not validated (%s)", exc.__class__.__name__)
            return None

    async def on_message(self, context: TurnContext, _state: TurnState) -> None:
        activity = context.activity
        parsed = self._chat.parse(command_text(activity.text or ""))
        if isinstance(parsed, Reply):
            await context.send_activity(card_activity(parsed, self._clock))
            return
        if parsed.kind == "help":
            name = activity.recipient.name if activity.recipient else ""
            help_reply = self._chat.help(f"@{name or 'Signalbot'}")
            await context.send_activity(card_activity(help_reply, self._clock))
            return
        sender = activity.from_property
        user = (sender.aad_object_id or sender.id or "") if sender else ""
        conversation = activity.conversation.id if activity.conversation else "unknown"
        destination = Destination(platform="teams", target=conversation)
        is_admin = user in self._admins
        refused = is_mutating(parsed) and not is_admin  # answered at once by the service
        if refused or not self._chat.is_slow(parsed):
            reply = await self._chat.execute(
                parsed, user=user, destination=destination, is_admin=is_admin
            )
            await context.send_activity(card_activity(reply, self._clock))
            return
        if context.identity is None:  # the adapter always sets it; without it no reply can go
            raise RuntimeError("no identity on the turn")
        await context.send_activity(WORKING)
        reference = activity.get_conversation_reference()
        task = asyncio.create_task(
            self._follow_up(
                context.identity,
                reference,
                parsed,
                user=user,
                destination=destination,
                admin=is_admin,
            )
        )
        self._follow_ups.add(task)
        task.add_done_callback(self._follow_ups.discard)

    async def _follow_up(
        self,
        identity: ClaimsIdentity,
        reference: ConversationReference,
        command: Command,
        *,
        user: str,
        destination: Destination,
        admin: bool,
    ) -> None:
        """Run a slow command after the turn ended and post its result to the conversation."""
        try:
            reply = await self._chat.execute(
                command, user=user, destination=destination, is_admin=admin
            )
            message = card_activity(reply, self._clock)
        except Exception:
            log.exception("Teams bot: %s failed", command.kind)
            message = Activity(type=ActivityTypes.message, text=FAILED)

        async def post(turn: TurnContext) -> None:
            await turn.send_activity(message)

        try:
            await self.adapter.continue_conversation_with_claims(
                identity, reference.get_continuation_activity(), post
            )
        except Exception as exc:
            log.error("Teams bot: could not post a follow-up: %s", exc.__class__.__name__)

    async def on_error(self, context: TurnContext, error: Exception) -> None:
        log.error("Teams bot: turn failed: %s", error.__class__.__name__, exc_info=error)
        await context.send_activity(FAILED)

    async def drain(self) -> None:
        """Wait for every follow-up under way (tests; graceful shutdown)."""
        while self._follow_ups:
            await asyncio.gather(*list(self._follow_ups), return_exceptions=True)

    async def close(self, _app: web.Application | None = None) -> None:
        """Give follow-ups under way a few seconds to post, then cancel the rest."""
        if self._follow_ups:
            _, pending = await asyncio.wait(self._follow_ups, timeout=10)
            for task in pending:
                task.cancel()


TEAMS_BOT = web.AppKey("teams_bot", TeamsBot)


def register_bot(
    app: web.Application,
    chat: ChatService,
    settings: Settings,
    *,
    admins: Iterable[str] = (),
    clock: Clock | None = None,
) -> None:
    """Add POST /api/messages to ``app``; the bot is kept as ``app[TEAMS_BOT]``.

    Raises ``ConfigError`` when ``TEAMS_APP_ID`` is set without a password or tenant.
    """
    bot = TeamsBot(chat, auth_configuration(settings), clock or SystemClock(), frozenset(admins))
    app[TEAMS_BOT] = bot
    app.router.add_post(PATH, bot.handle)
    app.on_cleanup.append(bot.close)

"""Questions asked of Slack to see whether the bot can work: does the token authenticate, with
which scopes, and is the bot in a channel. Used by ``/readyz`` and ``signalbot doctor``.

Errors are returned as plain sentences; the token never appears in them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.web.async_client import AsyncWebClient


@dataclass(frozen=True)
class AuthResult:
    ok: bool
    error: str = ""
    scopes: frozenset[str] = field(default_factory=frozenset)
    scopes_known: bool = False
    bot: str = ""
    team: str = ""

    def missing_scopes(self, required: Iterable[str]) -> list[str]:
        """Scopes of ``required`` the token was not granted (none when Slack did not say)."""
        if not self.scopes_known:
            return []
        return sorted(s for s in required if s not in self.scopes)


async def auth_test(client: AsyncWebClient) -> AuthResult:
    """``auth.test``, with the granted scopes from its ``x-oauth-scopes`` header."""
    try:
        response = await client.auth_test()
    except SlackApiError as exc:
        return AuthResult(ok=False, error=str(exc.response.get("error", "unknown error")))
    except (SlackClientError, OSError, TimeoutError) as exc:
        return AuthResult(ok=False, error=f"cannot reach Slack: {exc.__class__.__name__}")
    header = next(
        (v for k, v in (response.headers or {}).items() if k.lower() == "x-oauth-scopes"), None
    )
    scopes = frozenset(s.strip() for s in (header or "").split(",") if s.strip())
    return AuthResult(
        ok=True,
        scopes=scopes,
        scopes_known=header is not None,
        bot=str(response.get("user", "")),
        team=str(response.get("team", "") or response.get("team_id", "")),
    )


async def channel_problem(client: AsyncWebClient, channel: str) -> str | None:
    """Why the bot cannot post in ``channel`` (None when it is a member)."""
    if channel.startswith("#") or not channel[:1].isupper():
        return "is a channel name; routes need the channel ID (C…), which names never change"
    try:
        response = await client.conversations_info(channel=channel)
    except SlackApiError as exc:
        error = str(exc.response.get("error", "unknown error"))
        if error == "channel_not_found":
            return "not found: a wrong ID, or a private channel the bot was not invited to"
        if error == "missing_scope":
            return "cannot be inspected: the token lacks channels:read / groups:read"
        return f"conversations.info failed: {error}"
    except (SlackClientError, OSError, TimeoutError) as exc:
        return f"cannot reach Slack: {exc.__class__.__name__}"
    info = response.get("channel") or {}
    if info.get("is_archived"):
        return "is archived"
    if not info.get("is_member"):
        return "the bot is not a member"
    return None

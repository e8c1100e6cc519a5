"""Chat commands (Slack slash command, Teams message): parsing text into typed requests.

analyze <url | text> [--share]
feeds add <url> [name] | feeds remove <name> | feeds list | feeds errors
route add <name> [topics=a,b] [actors=US,CN] [labels=escalation,mixed] [min=3]
                 [clarity=commitment] [feeds=x,y] [match='word* AND "a phrase"']
                 [relevant_only=false]
route remove <name> | route list
digest [24h | 7d] [--share]
status
help
"""

from __future__ import annotations

import re
import shlex
from datetime import timedelta
from typing import Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from bot.domain.config import Destination, Route
from bot.domain.durations import parse_duration

HELP = [
    (
        "analyze <url | text> [--share]",
        "analyze https://example.org/article",
        "score an article; --share posts the rating in the channel",
    ),
    ("feeds list", "feeds list", "the watched feeds and their state"),
    ("feeds errors", "feeds errors", "feeds whose last poll failed, and why"),
    (
        "feeds add <url> [name]",
        "feeds add https://example.org/trade.rss trade-wire",
        "watch a feed (admins)",
    ),
    ("feeds remove <name>", "feeds remove trade-wire", "stop watching a feed (admins)"),
    ("route list", "route list", "the routing rules that deliver to this channel"),
    (
        "route add <name> [filters]",
        "route add chips topics=export-controls,semiconductors actors=US,CN min=3 "
        "match='chip* NOT \"smartphone\"'",
        "send matching alerts to this channel (admins)",
    ),
    ("route remove <name>", "route remove chips", "delete a routing rule of this channel (admins)"),
    (
        "digest [24h | 7d] [--share]",
        "digest 7d",
        "the top items for this channel's routes, only to you (--share: in the channel, with a chart)",
    ),
    ("status", "status", "feeds, last poll, errors, alerts sent today"),
    ("help", "help", "this list"),
]
ROUTE_KEYS = {"topics", "actors", "labels", "min", "clarity", "feeds", "match", "relevant_only"}
SCALAR_KEYS = {"min": "min_escalation", "match": "match", "relevant_only": "relevant_only"}
_SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "‘": "'", "’": "'"})


class CommandError(ValueError):
    """The text is not a valid command; the message says what to type instead."""


class Analyze(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["analyze"] = "analyze"
    target: str
    share: bool = False

    @property
    def is_url(self) -> bool:
        return bool(re.match(r"^https?://\S+$", self.target, re.IGNORECASE))


class FeedsCommand(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["feeds"] = "feeds"
    action: Literal["list", "errors", "add", "remove"]
    url: str = ""
    name: str = ""


class RouteCommand(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["route"] = "route"
    action: Literal["list", "add", "remove"]
    name: str = ""
    filters: dict[str, str] = {}

    def to_route(self, destination: Destination) -> Route:
        """The routing rule this command describes, delivering to ``destination``."""
        data: dict[str, object] = {"name": self.name, "to": destination}
        for key, value in self.filters.items():
            if key in SCALAR_KEYS:
                data[SCALAR_KEYS[key]] = value
            else:
                data[key] = [v.strip() for v in value.split(",") if v.strip()]
        try:
            return Route.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(
                f"{'.'.join(str(p) for p in err['loc'])}: {err['msg'].removeprefix('Value error, ')}"
                for err in exc.errors()
            )
            raise CommandError(f"invalid route: {problems}") from None


class Digest(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["digest"] = "digest"
    period: timedelta = timedelta(hours=24)
    share: bool = False


class Simple(BaseModel):
    model_config = ConfigDict(frozen=True)
    kind: Literal["status", "help"]


Command = Analyze | FeedsCommand | RouteCommand | Digest | Simple
MUTATING = {("feeds", "add"), ("feeds", "remove"), ("route", "add"), ("route", "remove")}


def is_mutating(command: Command) -> bool:
    return (command.kind, getattr(command, "action", "")) in MUTATING


def _unwrap_link(token: str) -> str:
    """Slack sends URLs as ``<https://x|label>`` or ``<https://x>``."""
    match = re.match(r"^<(https?://[^|>]+)(?:\|[^>]*)?>$", token)
    return match.group(1) if match else token


def _route_filters(text: str) -> list[str]:
    """The ``key=value`` tokens after ``route add <name>``; values may be quoted
    (``match='rare earth* NOT "oil"'``). Typographic quotes count as plain ones, and Slack's
    escapes of ``&``, ``<`` and ``>`` are undone."""
    plain = text.translate(_SMART_QUOTES)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    try:
        tokens = shlex.split(plain)
    except ValueError:
        raise CommandError(
            "unclosed quote in the filters: quote a value as match='…' or match=\"…\""
        ) from None
    return tokens[3:]


def parse_command(text: str) -> Command:
    """Parse the text after the command name. Raises CommandError with a helpful message."""
    words = text.strip().split()
    if not words or words[0].lower() == "help":
        return Simple(kind="help")
    verb, rest = words[0].lower(), words[1:]
    if verb in ("analyze", "analyse"):
        share = "--share" in rest
        rest = [w for w in rest if w != "--share"]
        if not rest:
            raise CommandError(
                "analyze needs a URL or some text, e.g. `analyze https://example.org/article`"
            )
        target = " ".join(_unwrap_link(w) for w in rest) if len(rest) == 1 else " ".join(rest)
        return Analyze(target=target, share=share)
    if verb == "feeds":
        action = rest[0].lower() if rest else "list"
        if action in ("list", "errors"):
            return FeedsCommand(action=action)
        if action == "add":
            if len(rest) < 2:
                raise CommandError("usage: feeds add <url> [name]")
            return FeedsCommand(
                action="add", url=_unwrap_link(rest[1]), name=rest[2] if len(rest) > 2 else ""
            )
        if action == "remove":
            if len(rest) != 2:
                raise CommandError("usage: feeds remove <name>")
            return FeedsCommand(action="remove", name=rest[1])
        raise CommandError(f"unknown feeds action {action!r}: use list, errors, add or remove")
    if verb == "route":
        action = rest[0].lower() if rest else "list"
        if action == "list":
            return RouteCommand(action="list")
        if action == "remove":
            if len(rest) != 2:
                raise CommandError("usage: route remove <name>")
            return RouteCommand(action="remove", name=rest[1])
        if action == "add":
            if len(rest) < 2:
                raise CommandError(
                    "usage: route add <name> [topics=a,b] [actors=US,CN] [labels=…] [min=3] "
                    "[clarity=…] [feeds=…] [match='…'] [relevant_only=false]"
                )
            filters: dict[str, str] = {}
            for token in _route_filters(text):
                key, sep, value = token.partition("=")
                if not sep or key.lower() not in ROUTE_KEYS:
                    raise CommandError(
                        f"unknown filter {token!r}: use {', '.join(sorted(ROUTE_KEYS))} as key=value"
                    )
                filters[key.lower()] = value
            return RouteCommand(action="add", name=rest[1], filters=filters)
        raise CommandError(f"unknown route action {action!r}: use list, add or remove")
    if verb == "digest":
        share = "--share" in rest
        rest = [w for w in rest if w != "--share"]
        if len(rest) > 1:
            raise CommandError("usage: digest [24h | 7d] [--share]")
        try:
            period = parse_duration(rest[0]) if rest else timedelta(hours=24)
        except ValueError:
            raise CommandError("usage: digest [24h | 7d] [--share]") from None
        if not timedelta(hours=1) <= period <= timedelta(days=31):
            raise CommandError("a digest covers between 1h and 31d")
        return Digest(period=period, share=share)
    if verb in ("status", "help"):
        return Simple(kind=verb)
    raise CommandError(f"unknown command {verb!r}. Try `help`.")

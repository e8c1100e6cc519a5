"""The configuration file's model: feeds, polling policy and routes.

Validation happens here (pydantic); reading the YAML file is the adapter's job.
"""

from __future__ import annotations

import hashlib
import re
from datetime import timedelta
from pathlib import PurePosixPath
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.domain.durations import Duration
from bot.domain.keywords import parse_match
from bot.domain.models import ClarityBand, Label
from bot.domain.timing import DigestSchedule, QuietHours
from bot.domain.vocabulary import actor_codes, check_names, topic_names, unknown_name

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


def check_name(value: str) -> str:
    if not _NAME.match(value):
        raise ValueError(
            "use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return value


def feed_name_from_url(url: str, taken: set[str]) -> str:
    """A short, unused feed name derived from the URL's host (or file name)."""
    parts = urlsplit(url)
    base = (parts.hostname or PurePosixPath(parts.path).stem or "feed").removeprefix("www.")
    base = "".join(c if c.isalnum() or c in "-_." else "-" for c in base)[:50].strip("-.") or "feed"
    name, n = base, 2
    while name in taken:
        name, n = f"{base}-{n}", n + 1
    return name


SourceKind = Literal["rss", "jsonfeed", "federal-register", "html"]
SOURCE_KINDS: tuple[str, ...] = ("rss", "jsonfeed", "federal-register", "html")


class HtmlSelectors(BaseModel):
    """CSS selectors that read an announcement list page: one ``item`` per entry, and inside it
    the ``title``, ``link`` (an element with ``href``), ``date`` and ``text`` (all optional)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    item: str = Field(min_length=1, max_length=500)
    title: str = Field(default="", max_length=500, description="default: the link's text")
    link: str = Field(default="", max_length=500, description="default: the first a[href]")
    date: str = Field(default="", max_length=500)
    text: str = Field(default="", max_length=500, description="default: follow the link")
    follow: bool = Field(
        default=True, description="fetch each new item's page for its text when none is listed"
    )


class FeedSpec(BaseModel):
    """One watched feed (or announcement page, or Federal Register query)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    url: str
    interval: Duration | None = None
    tags: tuple[str, ...] = ()
    backlog: int | None = Field(default=None, ge=0, le=500)
    kind: SourceKind | None = Field(
        default=None,
        description="rss, jsonfeed, federal-register or html; unset: RSS/Atom unless the body "
        "is unambiguously a JSON Feed or a Federal Register response",
    )
    select: HtmlSelectors | None = Field(default=None, description="selectors for kind: html")

    @model_validator(mode="after")
    def _html_needs_selectors(self) -> FeedSpec:
        if self.kind == "html" and self.select is None:
            raise ValueError("kind: html needs select: {item: CSS selector, ...}")
        if self.select is not None and self.kind not in (None, "html"):
            raise ValueError(f"select: only applies to kind: html, not {self.kind}")
        return self

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        return check_name(value)

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        value = value.strip()
        if not re.match(r"^(https?|file)://", value, re.IGNORECASE):
            raise ValueError("feed URL must start with http://, https:// or file://")
        return value


class Polling(BaseModel):
    """How often feeds are polled and how a new feed's backlog is treated."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    interval: Duration = timedelta(minutes=15)
    min_interval: Duration = timedelta(minutes=5)
    max_interval: Duration = timedelta(hours=24)
    backlog: int = Field(default=0, ge=0, le=500)
    max_body_bytes: int = Field(default=5_000_000, ge=1_000)
    timeout: Duration = timedelta(seconds=20)
    per_host: int = Field(default=4, ge=1, le=64)
    concurrency: int = Field(default=16, ge=1, le=256)
    scoring_workers: int | None = Field(
        default=None,
        ge=0,
        le=64,
        description="worker processes that score a big batch of new items beside the polling "
        "process (default: one per core but one, which the polling process keeps; 0 scores in "
        "the polling process)",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Polling:
        if not self.min_interval <= self.interval <= self.max_interval:
            raise ValueError("need min_interval <= interval <= max_interval")
        return self


Platform = Literal["slack", "teams", "console"]


class Destination(BaseModel):
    """Where a route delivers: ``console``, ``slack:<channel id>`` or ``teams:<webhook URL>``."""

    model_config = ConfigDict(frozen=True)

    platform: Platform
    target: str = ""

    @classmethod
    def parse(cls, text: str) -> Destination:
        text = text.strip()
        if text == "console":
            return cls(platform="console")
        platform, sep, target = text.partition(":")
        if not sep or not target.strip():
            raise ValueError(
                "destination must be 'console', 'slack:<channel>' or 'teams:<webhook URL>'"
            )
        if platform == "slack":
            if not re.match(r"^[#A-Za-z0-9_.-]{1,80}$", target):
                raise ValueError(f"not a Slack channel id or name: {target!r}")
        elif platform == "teams":
            if not target.startswith("https://") and not target.startswith("http://"):
                raise ValueError("a Teams destination is a Workflows webhook URL")
        else:
            raise ValueError(f"unknown platform {platform!r}: use console, slack or teams")
        return cls(platform=platform, target=target.strip())

    @property
    def key(self) -> str:
        """The full form (``teams:`` with its secret webhook URL), for storage only."""
        return self.platform if self.platform == "console" else f"{self.platform}:{self.target}"

    def __str__(self) -> str:
        """What may be shown or logged: a webhook URL only as its host and a fingerprint."""
        if self.platform == "teams":
            return f"teams:{webhook_label(self.target)}"
        return self.key


def webhook_label(url: str) -> str:
    """A secret-bearing URL reduced to ``host#fingerprint`` (the first 8 hex digits of its
    SHA-256): enough to tell webhooks apart, nothing to post with."""
    try:
        host = urlsplit(url).hostname or "?"
    except ValueError:
        host = "?"
    return f"{host}#{hashlib.sha256(url.encode()).hexdigest()[:8]}"


def _destination(value: object) -> object:
    return Destination.parse(value) if isinstance(value, str) else value


class Route(BaseModel):
    """Which destination gets which items: relevant ones by default, every new item of its feeds
    with ``relevant_only: false``. Empty filters match everything."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    to: Annotated[Destination, BeforeValidator(_destination)]
    topics: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()
    labels: tuple[Label, ...] = ()
    min_escalation: float = Field(default=0.0, ge=0.0, le=10.0)
    clarity: tuple[ClarityBand, ...] = ()
    feeds: tuple[str, ...] = ()
    match: str | None = Field(
        default=None,
        description='keyword expression on title and text: AND, OR, NOT, (), "phrases", word*',
    )
    relevant_only: bool = Field(
        default=True, description="false: every new item of the route's feeds, relevant or not"
    )
    mention: Literal["here", "channel"] | None = Field(
        default=None, description="ping the channel for this route's alerts (off by default)"
    )
    quiet_hours: QuietHours | None = None
    digest: DigestSchedule | None = None

    @field_validator("name")
    @classmethod
    def _check_name(cls, value: str) -> str:
        return check_name(value)

    # Names are checked when a route is written (config file, chat); a route read back from the
    # store (context {"stored": True}) keeps what it was saved with.
    @field_validator("actors")
    @classmethod
    def _known_actors(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        value = tuple(v.strip().upper() for v in value)
        if not (info.context or {}).get("stored"):
            check_names("actor code", value, actor_codes())
        return value

    @field_validator("topics")
    @classmethod
    def _known_topics(cls, value: tuple[str, ...], info: ValidationInfo) -> tuple[str, ...]:
        value = tuple(v.strip().lower() for v in value)
        if not (info.context or {}).get("stored"):
            check_names("topic", value, topic_names())
        return value

    @field_validator("match")
    @classmethod
    def _valid_match(cls, value: str | None) -> str | None:
        if value is not None:
            parse_match(value)  # raises MatchSyntaxError (a ValueError) with the position
        return value


class Delivery(BaseModel):
    """Flood control: at most ``budget`` top-level alerts per destination per ``window``;
    the rest are folded into one "N more" message. Deadline reminders go out ``remind_ahead``
    before the date and on the day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    budget: int = Field(default=20, ge=1, le=1000)
    window: Duration = timedelta(hours=1)
    remind_ahead: Duration = timedelta(days=3)
    story_window: Duration = Field(
        default=timedelta(hours=48), description="how far back a story can be continued"
    )


class ChatConfig(BaseModel):
    """Who may change feeds and routes from chat, and the Slack command's name."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    admins: tuple[str, ...] = Field(
        default=(), description="Slack user IDs or Teams AAD object IDs"
    )
    admin_groups: tuple[str, ...] = Field(default=(), description="Slack user group IDs (S…)")
    command: str = Field(default="/signal", pattern=r"^/[a-z0-9_-]{1,31}$")


class Ops(BaseModel):
    """Where feed-health notices go (``ops: slack:C…``, or a mapping with the thresholds): a feed
    that failed ``failures`` cycles in a row, or that stays silent ``silence`` times longer than
    its usual gap between changes (and at least ``min_silence``), gets one notice, and one when it
    recovers."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    to: Annotated[Destination, BeforeValidator(_destination)]
    failures: int = Field(default=3, ge=1, le=1000)
    silence: float = Field(default=4.0, ge=1.5, le=1000.0)
    min_silence: Duration = timedelta(hours=12)


def _ops(value: object) -> object:
    return {"to": value} if isinstance(value, str) else value


class BotConfig(BaseModel):
    """The whole configuration file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    feeds: tuple[FeedSpec, ...] = ()
    routes: tuple[Route, ...] = ()
    polling: Polling = Polling()
    chat: ChatConfig = ChatConfig()
    delivery: Delivery = Delivery()
    ops: Annotated[Ops | None, BeforeValidator(_ops)] = None

    @model_validator(mode="after")
    def _unique(self) -> BotConfig:
        for kind, names in (
            ("feed", [f.name for f in self.feeds]),
            ("route", [r.name for r in self.routes]),
        ):
            dupes = sorted({n for n in names if names.count(n) > 1})
            if dupes:
                raise ValueError(f"duplicate {kind} name(s): {', '.join(dupes)}")
        if self.feeds:  # feeds added with `feeds add` are unknown here when the file lists none
            feeds = {f.name for f in self.feeds}
            for i, route in enumerate(self.routes):
                unknown = [unknown_name("feed", n, feeds) for n in route.feeds if n not in feeds]
                if unknown:
                    raise ValueError(f"routes[{i}].feeds: {'; '.join(unknown)}")
        return self

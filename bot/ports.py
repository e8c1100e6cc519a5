"""The edges of the bot, one Protocol each. Services depend on these, adapters implement them.

Every method documents what it returns and which errors (from ``bot.errors``) it may raise; any
other exception is a bug in the adapter.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.config import Destination, FeedSpec, Route
from bot.domain.feed_health import HealthRecord
from bot.domain.followups import FollowUp
from bot.domain.models import Article, Assessment, Instrument, Item
from bot.domain.schedule import FeedState
from bot.domain.stories import StoryCandidate
from bot.domain.websub import Subscription


class FetchResult(BaseModel):
    """A fetched feed body, or ``not_modified`` when the server answered 304."""

    model_config = ConfigDict(frozen=True)

    url: str
    not_modified: bool = False
    body: bytes = b""
    etag: str | None = None
    last_modified: str | None = None
    max_age_s: float | None = None
    link_header: str | None = Field(default=None, description="the HTTP Link header (WebSub)")


class ParsedEntry(BaseModel):
    model_config = ConfigDict(frozen=True)

    guid: str = ""
    link: str = ""
    title: str = ""
    summary: str = ""
    published: datetime | None = None
    instrument: Instrument | None = None


class ParsedFeed(BaseModel):
    model_config = ConfigDict(frozen=True)

    title: str = ""
    entries: list[ParsedEntry] = []
    ttl_s: float | None = None
    kind: str = Field(default="rss", description="the source kind it was read as")
    hub: str = Field(default="", description="WebSub hub the feed names (atom:link rel=hub)")
    self_url: str = Field(default="", description="the feed's canonical URL (rel=self)")


class Alert(BaseModel):
    """One item to show at one destination; a follow-up when its story was alerted before."""

    model_config = ConfigDict(frozen=True)

    item: Item
    assessment: Assessment
    destination: Destination
    route: str = ""
    mention: str | None = None
    followup: FollowUp | None = None
    thread_id: str | None = Field(
        default=None, description="platform id of the story's first alert here (thread root)"
    )
    hold_until: datetime | None = Field(
        default=None, description="queued during the route's quiet hours, until this time"
    )
    key: str = Field(
        default="",
        description="idempotency key carried by the posted message, to find it again after a crash",
    )


class ItemRecord(BaseModel):
    """One new item to record with its alerts (skipped, not queued, when ``deliver`` is False)."""

    model_config = ConfigDict(frozen=True)

    item: Item
    assessment: Assessment | None
    alerts: list[Alert] = Field(default_factory=list)
    deliver: bool = True


class NoticeLine(BaseModel):
    """One line of a notice: an item's linked title with its rating, or plain text."""

    model_config = ConfigDict(frozen=True)

    text: str
    link: str = ""
    assessment: Assessment | None = None
    source: str = ""  # the outlet (feed title or name) the item came from


class Notice(BaseModel):
    """A message that is not a single alert: overflow folds, digests, deadline
    reminders, feed-health notices.

    ``title`` is the bot's own text; ``lines`` carry untrusted titles and are escaped by renderers.
    Lines beyond what fits one message go into the notice's thread (Slack) or further messages.
    """

    model_config = ConfigDict(frozen=True, ser_json_bytes="base64", val_json_bytes="base64")

    destination: Destination
    title: str
    lines: tuple[NoticeLine, ...] = ()
    image_png: bytes | None = None
    image_png_small: bytes | None = Field(
        default=None, description="for platforms with small size caps (Teams)"
    )
    image_title: str = ""
    thread_id: str | None = None
    kind: str = "notice"
    key: str = Field(
        default="", description="idempotency key (one digest per route and period, and so on)"
    )


class Reminder(BaseModel):
    """A dated deadline of a story (a pause that expires, a threatened restoration), to be
    announced at a destination ahead of the date (``kind`` "ahead") and on the day ("day")."""

    model_config = ConfigDict(frozen=True)

    story: str
    destination: Destination
    due: date
    remind_on: date
    kind: str
    phrase: str
    feed: str
    item_key: str


class PendingDelivery(BaseModel):
    model_config = ConfigDict(frozen=True)

    alert: Alert
    attempts: int = 0
    held: bool = Field(default=False, description="held by quiet hours: deliver folded")
    queued_at: datetime | None = None
    sending_since: datetime | None = Field(
        default=None,
        description="an earlier attempt began posting at this time and was never confirmed "
        "(a crash, a timeout): look for the message before posting again",
    )


class PendingNotice(BaseModel):
    model_config = ConfigDict(frozen=True)

    notice: Notice
    attempts: int = 0
    sending_since: datetime | None = None


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...


class FeedFetcher(Protocol):
    async def fetch(
        self, url: str, *, etag: str | None = None, last_modified: str | None = None
    ) -> FetchResult:
        """Fetch a feed with a conditional GET.

        Raises ``FetchError`` (network or timeout), ``HTTPStatusError`` (error status, with
        ``retry_after`` when the server gave one), ``BodyTooLargeError``, ``BlockedAddressError``.
        """
        ...


class FeedParser(Protocol):
    def parse(self, body: bytes, url: str, spec: FeedSpec | None = None) -> ParsedFeed:
        """Parse a source's bytes into plain-text entries, as the kind ``spec`` names (RSS/Atom,
        JSON Feed, Federal Register, HTML list page), or as the body shows when it names none.

        Raises ``NotAFeedError`` for a web page (with the feeds it links to), ``ParseError``
        when nothing usable is found.
        """
        ...


class Scorer(Protocol):
    def score(self, article: Article) -> Assessment:
        """Assess one article. Pure and total: never raises on any text."""
        ...


class BatchScorer(Protocol):
    async def score_batch(self, articles: Sequence[Article]) -> list[Assessment | Exception]:
        """Assess every article, in order, without blocking the event loop; an article whose
        scoring raised gets the exception in its place."""
        ...


class ArticleFetcher(Protocol):
    async def fetch_article(self, url: str) -> Article:
        """Fetch a web page or feed entry and extract its title and main text.

        Raises ``FetchError`` and its subclasses, ``ParseError`` when no text can be extracted.
        """
        ...


class UrlGuard(Protocol):
    async def check(self, url: str) -> None:
        """Raise ``BlockedAddressError`` when ``url`` leads to a private or otherwise forbidden
        address, ``FetchError`` when it cannot be resolved; return None when it may be fetched."""
        ...


class Notifier(Protocol):
    async def send(self, alert: Alert) -> str:
        """Deliver one alert (a thread reply when ``alert.thread_id`` is set; also shown at top
        level when its follow-up is material); return the platform's message id ("" if none).

        Raises ``RateLimitedError`` when throttled beyond its own retries, ``DeliveryError``
        when the platform refuses the message.
        """
        ...

    async def send_notice(self, notice: Notice) -> str:
        """Deliver a notice (overflow, digest with its chart, reminder). Errors as ``send``."""
        ...


class HubClient(Protocol):
    async def request(self, hub: str, form: dict[str, str]) -> None:
        """POST a WebSub subscription request (``hub.mode``, ``hub.topic``, ``hub.callback`` …)
        to a hub. Raises ``FetchError`` or ``HTTPStatusError`` when the hub does not accept it
        (anything but 202 Accepted or another 2xx)."""
        ...


class WebSubStore(Protocol):
    """WebSub subscriptions and refused pushes. Every method raises ``StoreError``."""

    async def websub_subscription(self, feed: str) -> Subscription | None: ...

    async def websub_by_callback(self, callback: str) -> Subscription | None: ...

    async def websub_subscriptions(self) -> list[Subscription]: ...

    async def save_websub(self, sub: Subscription) -> None: ...

    async def delete_websub(self, feed: str) -> None: ...

    async def record_websub_refusal(
        self, callback: str, feed: str | None, reason: str, now: datetime
    ) -> None:
        """Keep a record of a push or verification that was refused."""
        ...

    async def websub_refusals(self, since: datetime) -> list[tuple[datetime, str, str]]:
        """``(when, feed or callback, reason)`` of refusals since ``since``, oldest first."""
        ...


@runtime_checkable
class DeliveryLookup(Protocol):
    """A platform whose messages can be read back (Slack): implemented beside ``Notifier``."""

    async def find_delivered(
        self, destination: Destination, key: str, *, thread_id: str | None, since: datetime
    ) -> str | None:
        """The message id of the message posted since ``since`` that carries ``key`` (in the
        thread ``thread_id`` when given), None when there is none.

        Raises ``RateLimitedError`` or ``DeliveryError`` when the history cannot be read.
        """
        ...


class Store(Protocol):
    """Persistent state. Every method raises ``StoreError`` when the database fails."""

    async def migrate(self) -> None:
        """Create or upgrade the schema to the current version."""
        ...

    async def close(self) -> None: ...

    async def feed_state(self, name: str) -> FeedState:
        """The remembered state of a feed (a fresh state for a feed never polled)."""
        ...

    async def save_feed_state(self, state: FeedState) -> None:
        """Save a feed's state after a poll (and release this process's claim on it)."""
        ...

    async def claim_feeds(self, names: list[str], now: datetime) -> dict[str, FeedState]:
        """Claim feeds for one poll each by this process (several replicas share one database);
        returns the current state of each feed claimed. A feed another live process holds is
        absent; a claim lasts until ``save_feed_state(s)`` or this process is gone."""
        ...

    async def save_feed_states(self, states: list[FeedState]) -> None:
        """Save several feeds' states in one transaction, releasing this process's claims."""
        ...

    async def user_feeds(self) -> list[FeedSpec]:
        """Feeds added at run time (CLI or chat), in the order they were added."""
        ...

    async def add_user_feed(
        self, spec: FeedSpec, added_by: str, now: datetime, *, origin: str = "cli"
    ) -> bool:
        """Add a feed (``origin`` is "cli" or "chat"); False when the name is taken."""
        ...

    async def chat_feed_names(self) -> set[str]:
        """Names of feeds added from chat."""
        ...

    async def remove_user_feed(self, name: str) -> bool:
        """Remove a feed added at run time; False when there is none of that name."""
        ...

    async def known_keys(self, feed: str, keys: list[str]) -> set[str]:
        """The subset of ``keys`` already recorded for ``feed``."""
        ...

    async def record_item(
        self,
        item: Item,
        assessment: Assessment | None,
        alerts: list[Alert],
        now: datetime,
        *,
        deliver: bool = True,
    ) -> bool:
        """Record an item and queue its deliveries in one transaction.

        With ``deliver=False`` the deliveries are recorded as skipped (backlog of a new feed).
        Returns False (and changes nothing) when the item was already recorded.
        """
        ...

    async def record_items(self, records: list[ItemRecord], now: datetime) -> set[str]:
        """Record one feed's new items and queue their deliveries in one transaction; returns
        the keys recorded now (an item already recorded is left as it was, alerts included)."""
        ...

    async def heartbeat(self, now: datetime) -> None:
        """Show that this process is alive: its claims stay its own while it heartbeats."""
        ...

    async def release_claims(self) -> None:
        """Give up every claim of this process (on shutdown), so that others resume at once."""
        ...

    async def due_deliveries(self, now: datetime, limit: int = 100) -> list[PendingDelivery]:
        """Claim the queued deliveries whose next attempt is due for this process, oldest first.
        A delivery held by another live process is never returned."""
        ...

    async def next_attempt_at(self, now: datetime) -> datetime | None:
        """When the earliest queued alert or notice this process may send is due (None when
        nothing is queued)."""
        ...

    async def begin_send(self, alert: Alert, now: datetime) -> bool:
        """Record that the alert is being posted (status *sending*); False when this process no
        longer holds its claim (then it must not post)."""
        ...

    async def mark_sent(self, alert: Alert, message_id: str, now: datetime) -> bool:
        """Record the post; False (and nothing changed) when this process lost the claim."""
        ...

    async def mark_retry(self, alert: Alert, error: str, retry_at: datetime) -> None:
        """Keep a delivery queued for another attempt at ``retry_at`` (a delivery that began
        sending stays *sending*: the next attempt looks for the message first)."""
        ...

    async def mark_failed(self, alert: Alert, error: str) -> None:
        """Give up on a delivery the platform refused for good (kept for inspection)."""
        ...

    async def counts(self, since: datetime) -> dict[str, int]:
        """Figures for status output: items, relevant items, alerts sent, pending, failed."""
        ...

    async def chat_routes(self, destination: str | None = None) -> list[Route]:
        """Routes created from chat, for one destination or all."""
        ...

    async def add_chat_route(self, route: Route, created_by: str, now: datetime) -> bool:
        """False when a route of that name exists."""
        ...

    async def remove_chat_route(self, name: str, destination: str) -> bool: ...

    async def record_feedback(
        self, feed: str, item_key: str, user_id: str, vote: int, destination: str, now: datetime
    ) -> None:
        """Store one user's +1/-1 on an alert (a later vote replaces the earlier)."""
        ...

    async def mute_story(
        self, story_id: str, destination: str, user_id: str, now: datetime
    ) -> None: ...

    async def muted(self, pairs: Sequence[tuple[str, str]]) -> set[tuple[str, str]]:
        """Which of these (story, destination) pairs are muted (one query for all)."""
        ...

    async def item(self, feed: str, key: str) -> tuple[Item, Assessment | None] | None: ...

    async def recent_items(
        self, since: datetime, limit: int = 500
    ) -> list[tuple[Item, Assessment]]:
        """Relevant items first seen since ``since``, newest first."""
        ...

    async def unscored_items(self, since: datetime, limit: int = 500) -> list[Item]:
        """Items first seen since ``since`` recorded without an assessment (a new feed's
        backlog), newest first."""
        ...

    async def save_assessments(self, scored: list[tuple[Item, Assessment]]) -> None:
        """Record the assessments of items recorded without one."""
        ...

    async def feed_states(self) -> list[FeedState]: ...

    async def story_candidates(self, since: datetime, limit: int = 2000) -> list[StoryCandidate]:
        """The latest item of every story seen since ``since``."""
        ...

    async def story_latest(self, story: str) -> tuple[Item, Assessment] | None: ...

    async def thread_roots(self, stories: Sequence[str], destination: str) -> dict[str, str | None]:
        """For each of ``stories`` alerted at the destination, the message id of its first
        top-level alert there ("" when the platform gave none; None when only follow-ups went
        out); the stories never alerted there are left out. One query for all."""
        ...

    async def sent_top_level_since(self, destination: str, since: datetime) -> int: ...

    async def fold(self, alerts: list[Alert], notice: Notice, now: datetime) -> bool:
        """Queue ``notice`` (keyed) in place of ``alerts``, marking them folded, in one
        transaction; False when this process no longer holds their claims."""
        ...

    async def queue_notice(self, notice: Notice, now: datetime) -> bool:
        """Queue a keyed notice; False when a notice with its key was queued before."""
        ...

    async def notice_queued(self, key: str) -> bool:
        """True when a notice with this key was ever queued."""
        ...

    async def due_notices(self, now: datetime, limit: int = 100) -> list[PendingNotice]:
        """Claim the queued notices that are due for this process, oldest first."""
        ...

    async def begin_notice(self, key: str, now: datetime) -> bool: ...

    async def mark_notice_sent(self, key: str, message_id: str, now: datetime) -> bool: ...

    async def mark_notice_retry(self, key: str, error: str, retry_at: datetime) -> None: ...

    async def mark_notice_failed(self, key: str, error: str) -> None: ...

    async def add_reminders(self, reminders: Sequence[Reminder]) -> int:
        """Track these reminders (in one transaction); how many were not tracked already."""
        ...

    async def due_reminders(self, today: date) -> list[Reminder]: ...

    async def mark_reminder_sent(self, reminder: Reminder, now: datetime) -> None: ...


class FeedHealthStore(Protocol):
    """Feed states and the health records kept beside them."""

    async def feed_states(self) -> list[FeedState]: ...

    async def feed_health(self, name: str) -> HealthRecord | None: ...

    async def save_feed_health(self, record: HealthRecord, *, expect: str) -> bool:
        """Save if the announced status is still ``expect``; False when another process changed
        it first. Raises ``StoreError``."""
        ...

    async def announce_feed_health(
        self, record: HealthRecord, notice: Notice, *, expect: str, now: datetime
    ) -> bool:
        """Save ``record`` and queue its keyed ``notice`` together, if the announced status is
        still ``expect``; False (nothing saved or queued) when another process changed it
        first. Raises ``StoreError``."""
        ...

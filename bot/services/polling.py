"""The poll cycle: fetch due feeds, parse, dedupe, score, route, queue and deliver.

One failing feed never stops the cycle, and one failing item never costs its feed the others;
a feed seen for the first time does not flood its channels with its backlog (which is recorded
unscored: digests score what they show of it). Alerts go out as
soon as their feed is done, without waiting for slower feeds of the same cycle.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import random
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime

from bot.domain.config import BotConfig, FeedSpec, Route
from bot.domain.identity import item_key
from bot.domain.models import Assessment, Item
from bot.domain.routing import matching_routes
from bot.domain.schedule import FeedState, after_error, after_success, is_due
from bot.errors import HTTPStatusError, SignalbotError, StoreError
from bot.ports import (
    Alert,
    ArticleFetcher,
    BatchScorer,
    Clock,
    FeedFetcher,
    FeedParser,
    ItemRecord,
    ParsedFeed,
    Scorer,
    Store,
    UrlGuard,
)
from bot.services.delivery import Deliverer, DeliveryReport
from bot.services.digests import Digests, Reminders
from bot.services.feed_health import FeedHealth
from bot.services.observer import NullObserver, Observer
from bot.services.sources import Probe, fill_item_text, probe_source
from bot.services.stories import StoryTracker
from bot.services.websub import WebSub

log = logging.getLogger(__name__)

STATE_BATCH = 100
"""Feed states saved together: a crash re-fetches at most this many feeds (plus those in flight)."""


@dataclass
class FeedOutcome:
    feed: str
    changed: bool = False
    new_items: int = 0
    relevant: int = 0
    queued: int = 0
    skipped_backlog: int = 0
    set_aside: int = 0
    error: str | None = None
    error_class: str | None = None
    not_modified: bool = False

    @property
    def result(self) -> str:
        if self.error:
            return "failed"
        if self.not_modified:
            return "not_modified"
        return "changed" if self.changed else "unchanged"


@dataclass
class CycleReport:
    outcomes: list[FeedOutcome] = field(default_factory=list)
    delivery: DeliveryReport = field(default_factory=DeliveryReport)
    reminders: int = 0
    digests: int = 0
    ops_notices: int = 0
    not_due: int = 0

    def count(self, attr: str) -> int:
        return sum(int(getattr(o, attr)) for o in self.outcomes)

    @property
    def failed(self) -> list[FeedOutcome]:
        return [o for o in self.outcomes if o.error]

    def summary(self) -> str:
        polled = len(self.outcomes)
        changed = self.count("changed")
        return (
            f"polled {polled} feed(s): {changed} changed, {polled - changed - len(self.failed)} "
            f"unchanged, {len(self.failed)} failed · {self.count('new_items')} new item(s)"
            + (
                f" ({self.count('skipped_backlog')} of them a new feed's backlog, not scored)"
                if self.count("skipped_backlog")
                else ""
            )
            + f", {self.count('relevant')} relevant"
            + (f", {self.count('set_aside')} set aside" if self.count("set_aside") else "")
            + f" · {self.delivery.sent} alert(s) sent"
            + (f", {self.delivery.notices} notice(s)" if self.delivery.notices else "")
            + (f", {self.delivery.folded} folded" if self.delivery.folded else "")
            + (f", {self.delivery.retrying} queued for retry" if self.delivery.retrying else "")
            + (f" · {self.reminders} deadline reminder(s) queued" if self.reminders else "")
            + (f" · {self.digests} digest(s) queued" if self.digests else "")
            + (f" · {self.ops_notices} feed-health notice(s) queued" if self.ops_notices else "")
            + (f", {self.delivery.failed} failed" if self.delivery.failed else "")
            + (f" · {self.not_due} feed(s) not due yet" if self.not_due else "")
        )


FeedLister = Callable[[], Awaitable[list[FeedSpec]]]


class Poller:
    def __init__(
        self,
        *,
        config: BotConfig,
        store: Store,
        fetcher: FeedFetcher,
        parser: FeedParser,
        scorer: Scorer,
        batch_scorer: BatchScorer | None = None,
        deliverer: Deliverer,
        clock: Clock,
        rng: random.Random | None = None,
        guard: UrlGuard | None = None,
        guarded_fetcher: FeedFetcher | None = None,
        digests: Digests | None = None,
        observer: Observer | None = None,
        articles: ArticleFetcher | None = None,
        websub: WebSub | None = None,
        health: FeedHealth | None = None,
    ) -> None:
        self._health = health
        self._guarded_fetcher = guarded_fetcher
        self._articles = articles
        self.websub = websub
        self._digests = digests
        self._observer = observer or NullObserver()
        self._reminders = Reminders(store, clock)
        self._guard = guard
        self._stories = StoryTracker(
            store,
            window=config.delivery.story_window,
            remind_ahead=config.delivery.remind_ahead,
        )
        self._config = config
        self._store = store
        self._fetcher = fetcher
        self._parser = parser
        self._scorer = scorer
        self._batch = batch_scorer
        self._deliverer = deliverer
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 -- jitter, not security
        self._cycle_routes: list[Route] = list(config.routes)
        self._chat_feeds: set[str] = set()
        self._states: list[FeedState] = []  # saved states waiting for the next batch

    def config_feeds(self) -> list[FeedSpec]:
        return list(self._config.feeds)

    async def feeds(self) -> list[FeedSpec]:
        """Feeds from the config file, then those added at run time (config names win)."""
        feeds = list(self._config.feeds)
        names = {f.name for f in feeds}
        feeds.extend(f for f in await self._store.user_feeds() if f.name not in names)
        return feeds

    async def routes(self) -> list[Route]:
        """Routes from the config file, then those created from chat."""
        return [*self._config.routes, *await self._store.chat_routes()]

    async def poll_once(self, *, only_due: bool = False) -> CycleReport:
        """Poll feeds (all, or only those due), then deliver everything queued."""
        now = self._clock.now()
        feeds = await self.feeds()
        self._cycle_routes = await self.routes()
        self._chat_feeds = await self._store.chat_feed_names()
        await self._stories.begin_cycle(now)
        not_due = 0
        if only_due:
            states = {s.name: s for s in await self._store.feed_states()}
            due = [f for f in feeds if is_due(states.get(f.name) or FeedState(name=f.name), now)]
            not_due, feeds = len(feeds) - len(due), due
        # With several replicas on one database, each feed is polled by one of them at a time.
        claimed = await self._store.claim_feeds([f.name for f in feeds], now)
        feeds = [f for f in feeds if f.name in claimed]
        if only_due:  # another replica may have polled it between the check and the claim
            self._states.extend(claimed[f.name] for f in feeds if not is_due(claimed[f.name], now))
            feeds = [f for f in feeds if is_due(claimed[f.name], now)]
        limit = asyncio.Semaphore(self._config.polling.concurrency)
        report = CycleReport(not_due=not_due)
        delivering = asyncio.Lock()
        rounds = 0
        waiting = False  # a round is queued and has not started: it will see every alert queued

        async def deliver() -> None:
            nonlocal rounds, waiting
            if waiting:  # feeds finishing while a round runs share the one queued after it
                return
            waiting = True
            async with delivering:
                waiting = False
                rounds += 1
                report.delivery.add(await self._deliverer.deliver_due())

        async def guarded(spec: FeedSpec) -> FeedOutcome:
            async with limit:
                outcome = await self._poll_feed_safely(spec, claimed[spec.name])
            if outcome.queued:  # its alerts go out now, not after the slowest feed
                await deliver()
            return outcome

        try:
            report.outcomes = list(await asyncio.gather(*(guarded(f) for f in feeds)))
        finally:
            await self._flush_states()
            self._states = []  # not saved: those feeds are fetched again next cycle
        for outcome in report.outcomes:
            self._observer.feed_polled(outcome.feed, outcome.result, outcome.error_class)
        if self.websub is not None:
            try:
                await self.websub.renew_due(await self.feeds())
            except SignalbotError as exc:
                log.error("WebSub lease renewal failed this cycle: %s", exc)
        try:
            report.reminders = await self._reminders.queue_due()
            if self._digests is not None:
                report.digests = await self._digests.queue_scheduled(self._cycle_routes)
        except SignalbotError as exc:
            log.error("reminders or digests failed this cycle: %s", exc)
        if self._health is not None:
            try:
                report.ops_notices = await self._health.check(await self.feeds())
            except SignalbotError as exc:
                log.error("feed health not checked this cycle: %s", exc)
        if not rounds or report.reminders or report.digests or report.ops_notices:
            await deliver()  # what is still queued: retries, held alerts, reminders, notices
        return report

    async def probe(self, spec: FeedSpec) -> Probe:
        """Fetch and parse a source without recording anything (a web page's feed discovered).

        Raises ``FetchError`` or ``ParseError`` with a plain explanation when it is unusable.
        """
        return await probe_source(self._fetcher, self._parser, spec)

    async def next_due(self) -> datetime | None:
        """When the earliest feed is due next (None when there are no feeds)."""
        states = {s.name: s for s in await self._store.feed_states()}
        times = [
            (states[f.name].next_poll_at if f.name in states else None) or self._clock.now()
            for f in await self.feeds()
        ]
        return min(times, default=None)

    async def _save_state(self, state: FeedState) -> None:
        """Queue a feed's state after its poll (its items are recorded already): the states are
        saved together, every ``STATE_BATCH`` feeds and at the end of the cycle. A crash before
        the save costs only a second fetch of those feeds, whose items are then known."""
        self._states.append(state)
        if len(self._states) >= STATE_BATCH:
            await self._flush_states()

    async def _flush_states(self) -> None:
        states, self._states = self._states, []
        if not states:
            return
        try:
            await self._store.save_feed_states(states)
        except SignalbotError as exc:
            log.error("cannot save %d feed state(s): %s", len(states), exc)
            self._states[:0] = states  # tried again with the next batch or at the end

    async def _poll_feed_safely(self, spec: FeedSpec, state: FeedState) -> FeedOutcome:
        try:
            return await self._poll_feed(spec, state)
        except SignalbotError as exc:
            return await self._record_error(spec, state, exc)
        except Exception as exc:  # a bug must not stop the other feeds
            log.exception("feed %s: unexpected error", spec.name)
            return await self._record_error(spec, state, exc)

    async def _record_error(self, spec: FeedSpec, state: FeedState, exc: Exception) -> FeedOutcome:
        now = self._clock.now()
        retry_after = exc.retry_after if isinstance(exc, HTTPStatusError) else None
        next_at = after_error(
            state,
            spec,
            self._config.polling,
            now=now,
            jitter=self._jitter(),
            retry_after_s=retry_after,
        )
        message = str(exc) or exc.__class__.__name__
        log.warning(
            "feed %s failed (%d in a row): %s",
            spec.name,
            state.error_count + 1,
            message,
            extra={"feed": spec.name, "error": type(exc).__name__},
        )
        await self._save_state(
            state.model_copy(
                update={
                    "last_error": message[:500],
                    "error_count": state.error_count + 1,
                    "last_polled_at": now,
                    "next_poll_at": next_at,
                }
            )
        )
        return FeedOutcome(feed=spec.name, error=message, error_class=type(exc).__name__)

    def _jitter(self) -> float:
        return self._rng.uniform(-0.1, 0.1)

    async def _poll_feed(self, spec: FeedSpec, state: FeedState) -> FeedOutcome:
        fetcher = self._fetcher
        if spec.name in self._chat_feeds:  # a feed added from chat may not reach private networks
            if self._guard is not None:
                await self._guard.check(spec.url)
            fetcher = self._guarded_fetcher or fetcher
        result = await fetcher.fetch(spec.url, etag=state.etag, last_modified=state.last_modified)
        body_hash = (
            hashlib.sha256(result.body).hexdigest() if not result.not_modified else state.body_hash
        )
        outcome = FeedOutcome(feed=spec.name, not_modified=result.not_modified)
        ttl: float | None = result.max_age_s
        if not result.not_modified and body_hash != state.body_hash:
            parsed = await asyncio.to_thread(self._parser.parse, result.body, spec.url, spec)
            ttl = max(ttl or 0, parsed.ttl_s or 0) or None
            set_aside = await self._ingest(spec, state, parsed, outcome)
            outcome.changed = True
            if self.websub is not None:
                chat_feed = self._guard is not None and spec.name in self._chat_feeds
                await self.websub.after_poll(
                    spec, result, parsed, self._guard if chat_feed else None
                )
        else:
            set_aside = None
        now = self._clock.now()
        interval, next_at = after_success(
            state,
            spec,
            self._config.polling,
            now=now,
            changed=outcome.changed,
            jitter=self._jitter(),
            server_min_s=ttl,
        )
        if self.websub is not None:  # pushes arrive: polling is the slower fallback
            next_at = await self.websub.stretch(
                spec.name, next_at, self._config.polling.max_interval
            )
        await self._save_state(
            state.model_copy(
                update={
                    "etag": result.etag,
                    "last_modified": result.last_modified,
                    "body_hash": body_hash,
                    "interval_s": interval,
                    "next_poll_at": next_at,
                    "last_polled_at": now,
                    "last_changed_at": now if outcome.changed else state.last_changed_at,
                    "last_error": set_aside,
                    "error_count": 0,
                    "polls": state.polls + 1,
                }
            )
        )
        return outcome

    async def ingest_pushed(self, spec: FeedSpec, body: bytes) -> FeedOutcome:
        """Take a body a WebSub hub pushed through the same ingest as a polled one (items
        already seen by a poll or an earlier push are skipped), then deliver."""
        now = self._clock.now()
        self._cycle_routes = await self.routes()
        await self._stories.begin_cycle(now)
        outcome = FeedOutcome(feed=spec.name, changed=True)
        parsed = self._parser.parse(body, spec.url, spec)
        await self._ingest(spec, await self._store.feed_state(spec.name), parsed, outcome)
        await self._deliverer.deliver_due()
        return outcome

    async def _ingest(
        self, spec: FeedSpec, state: FeedState, parsed: ParsedFeed, outcome: FeedOutcome
    ) -> str | None:
        """Record the feed's new items; returns a description of the items set aside because
        they could not be processed (None when every item was)."""
        items: dict[str, Item] = {}
        for entry in parsed.entries:
            key = item_key(entry.guid, entry.link, entry.title, entry.summary)
            if key not in items:
                items[key] = Item(
                    key=key,
                    feed=spec.name,
                    title=entry.title or "(untitled)",
                    link=entry.link,
                    summary=entry.summary,
                    published=entry.published,
                    source=parsed.title or spec.name,
                    instrument=entry.instrument,
                )
        # A feed's first poll knows no item, unless an earlier one recorded its items and could
        # not save its state: the insert skips those (and drops their alerts), so the look-up is
        # left out where it would nearly always find nothing.
        known = set() if state.first_poll else await self._store.known_keys(spec.name, list(items))
        new = [i for k, i in items.items() if k not in known]
        # Oldest first, so that a channel reads in order; undated items keep feed order.
        new.sort(key=lambda i: i.published.timestamp() if i.published else 0.0)
        allowed = len(new)
        if state.first_poll:
            backlog = spec.backlog if spec.backlog is not None else self._config.polling.backlog
            allowed = min(backlog, len(new))
            outcome.skipped_backlog = len(new) - allowed
            if outcome.skipped_backlog:
                log.info(
                    "feed %s: first poll, %d item(s) found; alerting the newest %d, skipped %d",
                    spec.name,
                    len(new),
                    allowed,
                    outcome.skipped_backlog,
                )
        if self._articles is not None and spec.select is not None and spec.select.follow:
            # The list gives titles only: read the pages of the items that will alert.
            new[len(new) - allowed :] = await fill_item_text(
                new[len(new) - allowed :], self._articles
            )
        # A new feed's backlog is recorded unscored: it is never alerted, and scoring it (a cold
        # start is thousands of items) would cost more than the rest of the cycle together.
        # Digests score what they need of it when they are built (see Digests.stories).
        cut = len(new) - allowed
        records: list[ItemRecord] = [
            ItemRecord(item=item, assessment=None, deliver=False) for item in new[:cut]
        ]
        fresh = new[cut:]
        now = self._clock.now()
        # One thread hop scores the whole batch, one transaction records it.
        if not fresh:
            scored: list[Assessment | Exception] = []
        elif self._batch is not None:  # in worker processes when the batch is big enough
            scored = await self._batch.score_batch([item.article() for item in fresh])
        else:
            scored = await asyncio.get_running_loop().run_in_executor(
                _SCORING, _score_all, self._scorer, fresh
            )
        failures: list[str] = []
        prepared: list[ItemRecord] = []
        for item, assessment in zip(fresh, scored, strict=True):
            try:
                if isinstance(assessment, Exception):
                    raise assessment
                prepared.append(await self._prepare(item, assessment, now))
            except Exception as exc:  # one item's failure must not cost the feed its others
                if isinstance(exc, StoreError):  # the feed fails and is retried whole
                    raise
                log.error(
                    "feed %s: item %r (%s) set aside: %s",
                    spec.name,
                    item.title[:120],
                    item.link or item.key,
                    exc.__class__.__name__,
                    exc_info=exc,
                )
                outcome.set_aside += 1
                failures.append(f"«{item.title[:80]}» ({exc.__class__.__name__}: {exc})"[:200])
        records += await self._unmuted(prepared)
        recorded = await self._store.record_items(records, now)
        deadlines: list[Alert] = []
        for record in records:
            if record.item.key in recorded:
                deadlines += self._recorded(record, outcome)
        if deadlines:
            await self._stories.track_deadlines(deadlines, now.date())
        if not failures:
            return None
        return f"{len(failures)} item(s) set aside: " + "; ".join(failures[:3])

    async def _prepare(self, item: Item, assessment: Assessment, now: datetime) -> ItemRecord:
        """The item with its story and an alert for each matching route."""
        item, followup = await self._stories.assign(item, assessment, now)
        alerts = [
            Alert(
                item=item,
                assessment=assessment,
                destination=r.to,
                route=r.name,
                mention=r.mention,
                followup=followup,
                hold_until=r.quiet_hours.until(now) if r.quiet_hours else None,
            )
            for r in matching_routes(self._cycle_routes, item, assessment)
        ]
        return ItemRecord(item=item, assessment=assessment, alerts=alerts)

    async def _unmuted(self, records: list[ItemRecord]) -> list[ItemRecord]:
        """The records without their alerts to destinations where the story is muted (one query
        for the feed's items)."""
        pairs = {(r.item.story or r.item.key, a.destination.key) for r in records for a in r.alerts}
        muted = await self._store.muted(sorted(pairs)) if pairs else set()
        if not muted:
            return records
        return [
            r.model_copy(
                update={
                    "alerts": [
                        a
                        for a in r.alerts
                        if (r.item.story or r.item.key, a.destination.key) not in muted
                    ]
                }
            )
            for r in records
        ]

    def _recorded(self, record: ItemRecord, outcome: FeedOutcome) -> list[Alert]:
        """Count a recorded item; the alerts whose deadlines are to be tracked."""
        outcome.new_items += 1
        relevant = record.assessment is not None and record.assessment.relevant
        outcome.relevant += int(relevant)
        self._observer.item_recorded(relevant=relevant)
        if not record.deliver:
            return []
        outcome.queued += len(record.alerts)
        for alert in record.alerts:
            self._observer.alerts_queued(alert.destination.platform, 1)
        return record.alerts


_SCORING = ThreadPoolExecutor(max_workers=1, thread_name_prefix="scoring")
"""One thread: scoring holds the interpreter lock, and more threads would only take turns with
the event loop for it."""


def _score_all(scorer: Scorer, items: list[Item]) -> list[Assessment | Exception]:
    """Each item's assessment, or the exception its scoring raised."""
    out: list[Assessment | Exception] = []
    for item in items:
        try:
            out.append(scorer.score(item.article()))
        except Exception as exc:
            out.append(exc)
    return out

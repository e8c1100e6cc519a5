"""Composition root: the only place that builds concrete objects from settings and config."""

from __future__ import annotations

import asyncio
import logging
import signal
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial
from typing import TYPE_CHECKING

from rich.console import Console

from bot.adapters.chart_files import ChartFiles
from bot.adapters.charts import render_escalation_chart
from bot.adapters.clock import SystemClock
from bot.adapters.console_notify import ConsoleNotifier
from bot.adapters.scoring_pool import ScoringPool, poll_processes, weighted_rule_scorer
from bot.adapters.sql.claims import HEARTBEAT
from bot.adapters.sql.store import SqlStore
from bot.deferred import (
    ArticlesOnUse,
    FetcherOnUse,
    GuardOnUse,
    HttpClients,
    HubsOnUse,
    NotifierOnUse,
    ParserOnUse,
    address_guard,
)
from bot.domain.config import BotConfig, Polling
from bot.errors import SignalbotError, StoreError
from bot.ports import ArticleFetcher, Clock, FeedFetcher, FeedParser, HubClient, Notifier, Scorer
from bot.services.delivery import Deliverer
from bot.services.digests import Digests
from bot.services.feed_health import FeedHealth
from bot.services.polling import CycleReport, Poller
from bot.services.websub import WebSub
from bot.settings import Settings

if TYPE_CHECKING:
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp
    from slack_sdk.web.async_client import AsyncWebClient

    from bot.adapters.http_fetch import Exchange
    from bot.adapters.metrics import Metrics
    from bot.adapters.ops_web import Check
    from bot.services.chat import ChatService
    from bot.web import Registrar

# The chat platforms' libraries (slack_bolt, slack_sdk, aiohttp, the Teams Agents SDK) are imported
# where a platform is switched on, not here: `poll` and `analyze` never load what they do not use
# (tests/test_lazy_imports.py). The HTTP clients, feed parsers, article fetcher, Teams notifier and
# chat service are built when first used (``bot.deferred``): a cron `poll --once` with no feed due
# needs none of them.

log = logging.getLogger("signalbot")


@dataclass
class App:
    settings: Settings
    config: BotConfig
    store: SqlStore
    poller: Poller
    scorer: Scorer
    articles: ArticleFetcher
    clock: Clock
    console: Console
    chat_service: Callable[[], ChatService]
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)
    metrics: Metrics | None = None
    polling: bool = False  # this process runs the poll loop (``run``), not only ``serve``
    last_cycle_at: datetime | None = None
    _chat: ChatService | None = field(default=None, init=False, repr=False)

    @property
    def websub(self) -> WebSub | None:
        return self.poller.websub

    @property
    def chat(self) -> ChatService:
        """The chat commands' service (built on first use: only the chat routes need it)."""
        if self._chat is None:
            self._chat = self.chat_service()
        return self._chat

    def web_app(self) -> web.Application:
        """The inbound web server with the routes of every configured platform."""
        from bot.web import build_web_app

        return build_web_app(self.store, web_registrars(self))


def chart_files(settings: Settings) -> ChartFiles | None:
    """Where digest charts are published for Teams (needs SIGNALBOT_PUBLIC_URL)."""
    if not settings.public_url:
        return None
    return ChartFiles(settings.data_dir / "charts", settings.public_url)


def source_parser() -> FeedParser:
    from bot.adapters.sources import SourceParser

    return SourceParser()


def teams_notifier(http: HttpClients, clock: Clock, settings: Settings) -> Notifier:
    from bot.adapters.teams_notify import TeamsWebhookNotifier

    return TeamsWebhookNotifier(http.trusted(), clock, charts=chart_files(settings))


def feed_fetcher(http: HttpClients, policy: Polling) -> FeedFetcher:
    """The configured feeds' fetcher."""
    from bot.adapters.aiohttp_exchange import AiohttpExchange

    return fetcher_over(AiohttpExchange(http.feeds()), policy)


def guarded_feed_fetcher(http: HttpClients, policy: Polling) -> FeedFetcher:
    """Chat-added feeds' fetcher: every hop checked, connections pinned to the addresses
    checked."""
    from bot.adapters.httpx_exchange import HttpxExchange

    return fetcher_over(HttpxExchange(http.untrusted()), policy)


def fetcher_over(exchange: Exchange, policy: Polling) -> FeedFetcher:
    from bot.adapters.http_fetch import HttpFeedFetcher

    return HttpFeedFetcher(
        exchange,
        max_body_bytes=policy.max_body_bytes,
        per_host=policy.per_host,
        timeout_s=policy.timeout.total_seconds(),
    )


def web_articles(http: HttpClients, guard: GuardOnUse, policy: Polling) -> ArticleFetcher:
    from bot.adapters.article_fetch import WebArticleFetcher

    return WebArticleFetcher(
        http.untrusted(),
        guard.get(),
        max_body_bytes=policy.max_body_bytes,
        timeout_s=policy.timeout.total_seconds(),
    )


def hub_client(http: HttpClients) -> HubClient:
    from bot.adapters.websub_hub import HttpHubClient

    return HttpHubClient(http.trusted())


def notifiers_for(
    settings: Settings,
    console: Console,
    clock: Clock,
    config: BotConfig,
    http: HttpClients,
) -> dict[str, Notifier]:
    console_notifier = ConsoleNotifier(console, clock)
    notifiers: dict[str, Notifier] = {"console": console_notifier}
    wants_slack = any(r.to.platform == "slack" for r in config.routes)
    if settings.slack_enabled and settings.slack_bot_token is not None:
        from bot.adapters.slack_notify import SlackNotifier

        notifiers["slack"] = SlackNotifier(slack_web_client(settings), clock)
    elif wants_slack:
        log.warning("SLACK_BOT_TOKEN is not set: Slack alerts are shown in the terminal instead")
        notifiers["slack"] = console_notifier
    notifiers["teams"] = NotifierOnUse(partial(teams_notifier, http, clock, settings))
    return notifiers


@asynccontextmanager
async def build_app(
    settings: Settings,
    config: BotConfig,
    *,
    console: Console | None = None,
    clock: Clock | None = None,
    metrics: bool = False,
) -> AsyncIterator[App]:
    """Every object the bot needs; ``metrics`` counts what it does for ``/metrics``."""
    console = console or Console()
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = SqlStore(settings.db_url())
    policy = config.polling
    guard = GuardOnUse(partial(address_guard, settings.fetch_allowlist()))
    http = HttpClients(policy, guard)
    try:
        try:
            await store.migrate()
            stop_event = asyncio.Event()
            meter: Metrics | None = None
            if metrics:
                from bot.adapters.metrics import Metrics, TimedScorer  # only where scraped

                meter = Metrics()
            # The pool is also the scorer of this process, whose lexicons are compiled when it
            # first scores (a cycle with nothing new never pays for them).
            scorer = pool = ScoringPool(
                weighted_rule_scorer,
                processes=poll_processes(config.polling.scoring_workers),
                observe=meter.scoring.observe if meter else None,
            )
            timed: Scorer = TimedScorer(scorer, meter) if meter else scorer
            notifiers = notifiers_for(settings, console, clock, config, http)
            deliverer = Deliverer(
                store,
                notifiers,
                clock,
                policy=config.delivery,
                should_stop=stop_event.is_set,
                observer=meter,
            )
            digests = Digests(store, clock, render_escalation_chart, pool)
            fetcher = FetcherOnUse(partial(feed_fetcher, http, policy))
            guarded_fetcher = FetcherOnUse(partial(guarded_feed_fetcher, http, policy))
            articles = ArticlesOnUse(partial(web_articles, http, guard, policy))
            parser = ParserOnUse(source_parser)
            websub = (
                WebSub(store, HubsOnUse(partial(hub_client, http)), clock, settings.public_url)
                if settings.public_url and settings.websub
                else None
            )
            poller = Poller(
                config=config,
                store=store,
                fetcher=fetcher,
                parser=parser,
                scorer=timed,
                batch_scorer=pool,
                deliverer=deliverer,
                clock=clock,
                guard=guard,
                guarded_fetcher=guarded_fetcher,
                digests=digests,
                observer=meter,
                articles=articles,
                websub=websub,
                health=FeedHealth(store, config.ops, clock) if config.ops else None,
            )

            def chat() -> ChatService:
                from bot.services.chat import ChatService

                return ChatService(
                    store=store,
                    poller=poller,
                    scorer=timed,
                    articles=articles,
                    fetcher=guarded_fetcher,
                    parser=parser,
                    guard=guard,
                    clock=clock,
                    digests=digests,
                )

            await store.heartbeat(clock.now())
            heartbeat = asyncio.create_task(_heartbeat(store, clock))
            try:
                yield App(
                    settings,
                    config,
                    store,
                    poller,
                    scorer,
                    articles,
                    clock,
                    console,
                    chat,
                    stop_event,
                    metrics=meter,
                )
            finally:
                heartbeat.cancel()
                with suppress(asyncio.CancelledError):
                    await heartbeat
                pool.close()
                try:
                    await store.release_claims()
                except StoreError as exc:
                    log.warning("could not release this process's claims: %s", exc)
        finally:
            await store.close()
    finally:
        await http.aclose()


async def _heartbeat(store: SqlStore, clock: Clock) -> None:
    """Keep this process's claims its own while it runs (others take over when it stops)."""
    while True:
        await asyncio.sleep(HEARTBEAT.total_seconds())
        try:
            await store.heartbeat(clock.now())
        except StoreError as exc:
            log.warning("heartbeat failed: %s", exc)


def web_registrars(app: App) -> list[Registrar]:
    """Routes for each platform whose credentials are set."""
    from bot.adapters.ops_web import register_readyz

    registrars: list[Registrar] = [lambda web_app: register_readyz(web_app, readiness_checks(app))]
    settings = app.settings
    if app.metrics is not None and settings.metrics_port is None:
        registrars.append(metrics_registrar(app.metrics))
    if (charts := chart_files(settings)) is not None:
        registrars.append(charts.register)
    if (websub := app.websub) is not None:
        from handlers.websub import register as register_websub

        body_cap = app.config.polling.max_body_bytes
        registrars.append(lambda web_app: register_websub(web_app, websub, app.poller, body_cap))
    if settings.slack_enabled and settings.slack_signing_secret is not None:
        from handlers.slack import register_http

        bolt = slack_bolt_app(app)
        secret = settings.slack_signing_secret.get_secret_value()
        registrars.append(lambda web_app: register_http(web_app, bolt, secret))
    admins = app.config.chat.admins
    token = settings.teams_outgoing_token
    if token is not None and token.get_secret_value():
        from handlers.teams_outgoing import register_outgoing

        registrars.append(
            lambda web_app: register_outgoing(
                web_app, app.chat, token, admins=admins, clock=app.clock
            )
        )
    if settings.teams_bot_enabled:
        from handlers.teams_bot import register_bot

        registrars.append(
            lambda web_app: register_bot(
                web_app, app.chat, settings, admins=admins, clock=app.clock
            )
        )
    return registrars


def metrics_registrar(metrics: Metrics) -> Registrar:
    from bot.adapters.metrics import CONTENT_TYPE
    from bot.adapters.ops_web import register_metrics

    return lambda web_app: register_metrics(web_app, metrics.exposition, CONTENT_TYPE)


def readiness_checks(app: App) -> dict[str, Check]:
    from bot.readiness import database_check, poll_loop_check, slack_check

    checks = {"database": database_check(app.store)}
    if app.polling:
        checks["poll_loop"] = poll_loop_check(
            app.poller.feeds, app.config.polling, app.clock, lambda: app.last_cycle_at
        )
    settings = app.settings
    if settings.slack_enabled and settings.slack_bot_token is not None:
        checks["slack"] = slack_check(slack_web_client(settings), app.clock)
    return checks


def slack_web_client(settings: Settings) -> AsyncWebClient:
    """The Slack Web API client for the bot token, at ``SLACK_API_URL`` (GovSlack's differs)."""
    from slack_sdk.web.async_client import AsyncWebClient

    assert settings.slack_bot_token is not None
    return AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url
    )


def slack_bolt_app(app: App) -> AsyncApp:
    from handlers.slack import build_bolt_app

    settings = app.settings
    client = slack_web_client(settings)
    secret = (
        settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    )
    return build_bolt_app(
        chat=app.chat, client=client, signing_secret=secret, config=app.config.chat, clock=app.clock
    )


def wants_web(settings: Settings) -> bool:
    """Serve web routes beside polling when asked to, or when an inbound platform is set up."""
    return (
        settings.port is not None
        or (settings.slack_enabled and settings.slack_signing_secret is not None)
        or bool(settings.teams_outgoing_token and settings.teams_outgoing_token.get_secret_value())
        or settings.teams_bot_enabled
        or bool(settings.public_url and settings.websub)
    )


def install_signal_handlers(app: App) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, app.stop_event.set)


@asynccontextmanager
async def inbound(app: App, port: int | None) -> AsyncIterator[int | None]:
    """Serve the web routes (and Slack Socket Mode when SLACK_APP_TOKEN is set) while inside."""
    from bot.adapters.ops_web import app_with
    from bot.web import start_site

    stops: list[Callable[[], Awaitable[None]]] = []
    bound: int | None = None
    try:
        if port is not None:
            bound, stop = await start_site(app.web_app(), app.settings.host, port)
            stops.append(stop)
        metrics_port = app.settings.metrics_port
        if metrics_port is not None and app.metrics is not None:
            metrics_app = app_with(metrics_registrar(app.metrics))
            _, stop = await start_site(metrics_app, app.settings.host, metrics_port)
            stops.append(stop)
        token = app.settings.slack_app_token
        if token is not None and token.get_secret_value() and app.settings.slack_enabled:
            from handlers.slack import connect_socket_mode

            stops.append(await connect_socket_mode(slack_bolt_app(app), token.get_secret_value()))
            log.info("connected to Slack in Socket Mode")
        yield bound
    finally:
        for stop in reversed(stops):
            await stop()


async def serve_forever(app: App, port: int) -> None:
    """``signalbot serve``: only the inbound routes, until SIGINT/SIGTERM."""
    install_signal_handlers(app)
    async with inbound(app, port):
        await app.stop_event.wait()
    log.info("stopped serving")


async def run_forever(app: App, *, idle_cap: timedelta = timedelta(seconds=30)) -> None:
    """Poll on schedule until SIGINT/SIGTERM; the cycle under way finishes its current sends."""
    install_signal_handlers(app)
    app.polling = True
    app.last_cycle_at = app.clock.now()  # the first cycle starts at once; count from here
    port = (
        (3000 if app.settings.port is None else app.settings.port)
        if wants_web(app.settings)
        else None
    )
    async with inbound(app, port):
        await _poll_until_stopped(app, idle_cap)


async def _poll_until_stopped(app: App, idle_cap: timedelta) -> None:
    log.info("watching %d feed(s); press Ctrl-C to stop", len(await app.poller.feeds()))
    while not app.stop_event.is_set():
        started = time.perf_counter()
        report = await app.poller.poll_once(only_due=True)
        await after_cycle(app, time.perf_counter() - started)
        if (
            report.outcomes
            or report.delivery.sent
            or report.delivery.notices
            or report.delivery.retrying
        ):
            log_cycle(report)
        # Wake for the next feed poll or the next delivery retry, whichever comes first.
        due = [
            t
            for t in (await app.poller.next_due(), await app.store.next_attempt_at(app.clock.now()))
            if t
        ]
        wait = idle_cap.total_seconds()
        if due:
            wait = min(wait, max(0.2, (min(due) - app.clock.now()).total_seconds()))
        with suppress(TimeoutError):
            await asyncio.wait_for(app.stop_event.wait(), timeout=wait)
    log.info("stopped cleanly; queued alerts (if any) go out on the next start")


async def after_cycle(app: App, seconds: float) -> None:
    """After a cycle: readiness and the gauges read from the store."""
    app.last_cycle_at = app.clock.now()
    if app.metrics is None:
        return
    try:
        queued = (await app.store.counts(app.clock.now()))["pending"]
        backing_off = sum(1 for s in await app.store.feed_states() if s.error_count > 0)
    except SignalbotError as exc:
        log.warning("metrics: cannot read the queue and feed states: %s", exc)
        return
    app.metrics.cycle_finished(seconds, queue_depth=queued, backing_off=backing_off, at=time.time())


def log_cycle(report: CycleReport) -> None:
    log.info(report.summary())

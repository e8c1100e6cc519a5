"""Composition root: the only place that builds concrete objects from settings and config."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

import httpx
from rich.console import Console

from bot.adapters.article_fetch import WebArticleFetcher
from bot.adapters.chart_files import ChartFiles
from bot.adapters.charts import render_escalation_chart
from bot.adapters.clock import SystemClock
from bot.adapters.console_notify import ConsoleNotifier
from bot.adapters.feed_parse import FeedparserParser
from bot.adapters.http_fetch import USER_AGENT, HttpFeedFetcher
from bot.adapters.net_guard import AddressGuard
from bot.adapters.sql.store import SqlStore
from bot.adapters.teams_notify import TeamsWebhookNotifier
from bot.domain.config import BotConfig
from bot.domain.scoring import RuleScorer
from bot.ports import Clock, Notifier
from bot.services.chat import ChatService
from bot.services.delivery import Deliverer
from bot.services.digests import Digests
from bot.services.polling import CycleReport, Poller
from bot.settings import Settings

if TYPE_CHECKING:
    from aiohttp import web
    from slack_bolt.async_app import AsyncApp

    from bot.web import Registrar

# The chat platforms' libraries (slack_bolt, slack_sdk, aiohttp, the Teams Agents SDK) are imported
# where a platform is switched on, not here: `poll` and `analyze` never load what they do not use
# (tests/test_lazy_imports.py).

log = logging.getLogger("signalbot")


@dataclass
class App:
    settings: Settings
    config: BotConfig
    store: SqlStore
    poller: Poller
    scorer: RuleScorer
    articles: WebArticleFetcher
    clock: Clock
    console: Console
    chat: ChatService
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)

    def web_app(self) -> web.Application:
        """The inbound web server with the routes of every configured platform."""
        from bot.web import build_web_app

        return build_web_app(self.store, web_registrars(self))


def chart_files(settings: Settings) -> ChartFiles | None:
    """Where digest charts are published for Teams (needs SIGNALBOT_PUBLIC_URL)."""
    if not settings.public_url:
        return None
    return ChartFiles(settings.data_dir / "charts", settings.public_url)


def notifiers_for(
    settings: Settings,
    console: Console,
    clock: Clock,
    config: BotConfig,
    client: httpx.AsyncClient,
) -> dict[str, Notifier]:
    console_notifier = ConsoleNotifier(console, clock)
    notifiers: dict[str, Notifier] = {"console": console_notifier}
    wants_slack = any(r.to.platform == "slack" for r in config.routes)
    if settings.slack_enabled and settings.slack_bot_token is not None:
        from slack_sdk.web.async_client import AsyncWebClient

        from bot.adapters.slack_notify import SlackNotifier

        slack_client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url
        )
        notifiers["slack"] = SlackNotifier(slack_client, clock)
    elif wants_slack:
        log.warning("SLACK_BOT_TOKEN is not set: Slack alerts are shown in the terminal instead")
        notifiers["slack"] = console_notifier
    notifiers["teams"] = TeamsWebhookNotifier(client, clock, charts=chart_files(settings))
    return notifiers


@asynccontextmanager
async def build_app(
    settings: Settings,
    config: BotConfig,
    *,
    console: Console | None = None,
    clock: Clock | None = None,
) -> AsyncIterator[App]:
    console = console or Console()
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    store = SqlStore(settings.db_url())
    policy = config.polling
    timeout = httpx.Timeout(policy.timeout.total_seconds(), connect=10.0)
    limits = httpx.Limits(max_connections=max(20, policy.concurrency), max_keepalive_connections=20)
    async with httpx.AsyncClient(
        timeout=timeout, limits=limits, follow_redirects=True, headers={"User-Agent": USER_AGENT}
    ) as client:
        try:
            await store.migrate()
            stop_event = asyncio.Event()
            scorer = RuleScorer()
            deliverer = Deliverer(
                store,
                notifiers_for(settings, console, clock, config, client),
                clock,
                policy=config.delivery,
                should_stop=stop_event.is_set,
            )
            guard = AddressGuard(settings.fetch_allowlist())
            digests = Digests(store, clock, render_escalation_chart)
            fetcher = HttpFeedFetcher(
                client, max_body_bytes=policy.max_body_bytes, per_host=policy.per_host
            )
            poller = Poller(
                config=config,
                store=store,
                fetcher=fetcher,
                parser=FeedparserParser(),
                scorer=scorer,
                deliverer=deliverer,
                clock=clock,
                guard=guard,
                digests=digests,
            )
            articles = WebArticleFetcher(client, guard, max_body_bytes=policy.max_body_bytes)
            chat = ChatService(
                store=store,
                poller=poller,
                scorer=scorer,
                articles=articles,
                fetcher=fetcher,
                parser=FeedparserParser(),
                guard=guard,
                clock=clock,
                digests=digests,
            )
            yield App(
                settings, config, store, poller, scorer, articles, clock, console, chat, stop_event
            )
        finally:
            await store.close()


def web_registrars(app: App) -> list[Registrar]:
    """Routes for each platform whose credentials are set."""
    registrars: list[Registrar] = []
    settings = app.settings
    if (charts := chart_files(settings)) is not None:
        registrars.append(charts.register)
    if settings.slack_enabled and settings.slack_signing_secret is not None:
        from handlers.slack import register_http

        bolt = slack_bolt_app(app)
        registrars.append(lambda web_app: register_http(web_app, bolt))
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


def slack_bolt_app(app: App) -> AsyncApp:
    from slack_sdk.web.async_client import AsyncWebClient

    from handlers.slack import build_bolt_app

    settings = app.settings
    assert settings.slack_bot_token is not None
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url
    )
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
    )


def install_signal_handlers(app: App) -> None:
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, app.stop_event.set)


@asynccontextmanager
async def inbound(app: App, port: int | None) -> AsyncIterator[int | None]:
    """Serve the web routes (and Slack Socket Mode when SLACK_APP_TOKEN is set) while inside."""
    stops: list[Callable[[], Awaitable[None]]] = []
    bound: int | None = None
    try:
        if port is not None:
            from bot.web import start_site

            bound, stop = await start_site(app.web_app(), app.settings.host, port)
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
        report = await app.poller.poll_once(only_due=True)
        if report.outcomes or report.delivery.sent or report.delivery.retrying:
            log_cycle(report)
        next_due = await app.poller.next_due()
        wait = idle_cap.total_seconds()
        if next_due is not None:
            wait = min(wait, max(1.0, (next_due - app.clock.now()).total_seconds()))
        with suppress(TimeoutError):
            await asyncio.wait_for(app.stop_event.wait(), timeout=wait)
    log.info("stopped cleanly; queued alerts (if any) go out on the next start")


def log_cycle(report: CycleReport) -> None:
    log.info(report.summary())

"""Composition root: the only place that builds concrete objects from settings and config."""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from rich.console import Console
from slack_sdk.web.async_client import AsyncWebClient

from bot.adapters.article_fetch import WebArticleFetcher
from bot.adapters.clock import SystemClock
from bot.adapters.console_notify import ConsoleNotifier
from bot.adapters.feed_parse import FeedparserParser
from bot.adapters.http_fetch import USER_AGENT, HttpFeedFetcher
from bot.adapters.net_guard import AddressGuard
from bot.adapters.slack_notify import SlackNotifier
from bot.adapters.sql_store import SqlStore
from bot.domain.config import BotConfig
from bot.domain.scoring import RuleScorer
from bot.ports import Clock, Notifier
from bot.services.delivery import Deliverer
from bot.services.polling import CycleReport, Poller
from bot.settings import Settings

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
    stop_event: asyncio.Event = field(default_factory=asyncio.Event)


def notifiers_for(
    settings: Settings, console: Console, clock: Clock, config: BotConfig
) -> dict[str, Notifier]:
    console_notifier = ConsoleNotifier(console, clock)
    notifiers: dict[str, Notifier] = {"console": console_notifier}
    wants_slack = any(r.to.platform == "slack" for r in config.routes)
    if settings.slack_enabled and settings.slack_bot_token is not None:
        client = AsyncWebClient(
            token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url
        )
        notifiers["slack"] = SlackNotifier(client, clock)
    elif wants_slack:
        log.warning("SLACK_BOT_TOKEN is not set: Slack alerts are shown in the terminal instead")
        notifiers["slack"] = console_notifier
    if any(r.to.platform == "teams" for r in config.routes):
        log.warning(
            "Teams delivery is not available in this version: Teams alerts are shown in the terminal"
        )
        notifiers["teams"] = console_notifier
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
                notifiers_for(settings, console, clock, config),
                clock,
                should_stop=stop_event.is_set,
            )
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
            )
            articles = WebArticleFetcher(
                client,
                AddressGuard(settings.fetch_allowlist()),
                max_body_bytes=policy.max_body_bytes,
            )
            yield App(settings, config, store, poller, scorer, articles, clock, console, stop_event)
        finally:
            await store.close()


async def run_forever(app: App, *, idle_cap: timedelta = timedelta(seconds=30)) -> None:
    """Poll on schedule until SIGINT/SIGTERM; the cycle under way finishes its current sends."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, app.stop_event.set)
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

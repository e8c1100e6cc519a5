"""What chat users can ask for, platform-neutral: Slack and Teams handlers call these and render
the replies with the same presenters the alerts use."""

from __future__ import annotations

import logging
import shlex
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.domain.commands import (
    HELP,
    Analyze,
    Command,
    CommandError,
    Digest,
    FeedsCommand,
    RouteCommand,
    is_mutating,
    parse_command,
)
from bot.domain.config import Destination, FeedSpec, Route, check_name, feed_name_from_url
from bot.domain.models import Article, Assessment, Item
from bot.domain.text import one_line, shorten
from bot.domain.vocabulary import unknown_name
from bot.errors import SignalbotError
from bot.ports import (
    ArticleFetcher,
    Clock,
    FeedFetcher,
    FeedParser,
    NoticeLine,
    Scorer,
    Store,
    UrlGuard,
)
from bot.services.digests import Digests
from bot.services.polling import Poller
from bot.services.sources import probe_source

log = logging.getLogger(__name__)


@dataclass
class Reply:
    """A platform-neutral answer: plain-text lines, and optionally rated items to render."""

    lines: list[str] = field(default_factory=list)
    analysis: tuple[Item, Assessment] | None = None
    items: list[tuple[Item, Assessment]] = field(default_factory=list)
    share: bool = False
    error: bool = False
    image_png: bytes | None = None
    image_title: str = ""

    @property
    def text(self) -> str:
        return "\n".join(self.lines)


def error(message: str) -> Reply:
    return Reply(lines=[message], error=True)


class ChatService:
    def __init__(
        self,
        *,
        store: Store,
        poller: Poller,
        scorer: Scorer,
        articles: ArticleFetcher,
        fetcher: FeedFetcher,
        parser: FeedParser,
        guard: UrlGuard,
        clock: Clock,
        digests: Digests,
    ) -> None:
        self._digests = digests
        self._store = store
        self._poller = poller
        self._scorer = scorer
        self._articles = articles
        self._fetcher = fetcher
        self._parser = parser
        self._guard = guard
        self._clock = clock

    @staticmethod
    def parse(text: str) -> Command | Reply:
        try:
            return parse_command(text)
        except CommandError as exc:
            return error(str(exc))

    @staticmethod
    def is_slow(command: Command) -> bool:
        """Commands that fetch from the network and should be answered after the ack."""
        return (isinstance(command, Analyze) and command.is_url) or (
            isinstance(command, FeedsCommand) and command.action == "add"
        )

    async def execute(
        self, command: Command, *, user: str, destination: Destination, is_admin: bool
    ) -> Reply:
        """Run one command for ``user`` in the channel ``destination``. Never raises for
        expected failures: the reply says what went wrong."""
        if is_mutating(command) and not is_admin:
            return error(
                "Sorry — only this bot's admins can change feeds and routes. Reading commands (analyze, feeds list, route list, digest, status) are open to everyone."
            )
        try:
            match command:
                case Analyze():
                    return await self.analyze(command)
                case FeedsCommand():
                    return await self._feeds(command, user)
                case RouteCommand():
                    return await self._route(command, user, destination)
                case Digest():
                    return await self.digest(destination, command.period, share=command.share)
                case _ if command.kind == "status":
                    return await self.status()
                case _:
                    return self.help()
        except SignalbotError as exc:
            log.warning("command %s failed: %s", command.kind, exc)
            return error(f"That did not work: {exc}")

    def help(self, command_name: str = "/signal") -> Reply:
        lines = ["Commands:"]
        lines += [
            f"• {command_name} {usage} — {what}. Example: {command_name} {example}"
            for usage, example, what in HELP
        ]
        return Reply(lines=lines)

    async def analyze(self, command: Analyze) -> Reply:
        if command.is_url:
            await self._guard.check(command.target)
            article = await self._articles.fetch_article(command.target)
            link = command.target
        else:
            text = command.target
            article, link = Article(title=shorten(one_line(text), 120), text=text), ""
        assessment = self._scorer.score(article)
        item = Item(
            key="analyze",
            feed="analyze",
            title=article.title or "(pasted text)",
            link=link,
            summary=article.text[:2000],
            published=article.published,
            source="on-demand analysis",
        )
        lines = (
            []
            if assessment.relevant
            else [
                "Not relevant to the trade and geopolitics beat: no state actor with a policy lever found."
            ]
        )
        return Reply(lines=lines, analysis=(item, assessment), share=command.share)

    async def _feeds(self, command: FeedsCommand, user: str) -> Reply:
        if command.action == "list":
            return await self.feeds_list()
        if command.action == "errors":
            return await self.feed_errors()
        if command.action == "add":
            return await self.add_feed(command.url, command.name, user)
        config_names = {f.name for f in self._poller.config_feeds()}
        if command.name in config_names:
            return error(f"{command.name} is defined in the config file; remove it there.")
        if await self._store.remove_user_feed(command.name):
            return Reply(lines=[f"Stopped watching {command.name}."])
        return error(f"No feed named {command.name}. `feeds list` shows the names.")

    async def feeds_list(self) -> Reply:
        feeds = await self._poller.feeds()
        states = {s.name: s for s in await self._store.feed_states()}
        if not feeds:
            return Reply(
                lines=["No feeds are watched yet. An admin can add one with `feeds add <url>`."]
            )
        lines = [f"{len(feeds)} feed(s):"]
        for spec in feeds:
            state = states.get(spec.name)
            when = (
                f"polled {_ago(state.last_polled_at, self._clock.now())}"
                if state and state.last_polled_at
                else "not polled yet"
            )
            problem = (
                f" — failing: {shorten(state.last_error, 120)}"
                if state and state.last_error
                else ""
            )
            lines.append(f"• {spec.name} — {spec.url} — {when}{problem}")
        return Reply(lines=lines)

    async def feed_errors(self) -> Reply:
        failing = [s for s in await self._store.feed_states() if s.last_error]
        if not failing:
            return Reply(lines=["No feed errors: every feed's last poll succeeded."])
        return Reply(
            lines=[f"{len(failing)} feed(s) failing:"]
            + [
                f"• {s.name}: {shorten(s.last_error or '', 200)}"
                + (f" ({s.error_count} time(s) in a row)" if s.error_count else "")
                for s in failing
            ]
        )

    async def add_feed(self, url: str, name: str, user: str) -> Reply:
        taken = {f.name for f in await self._poller.feeds()}
        try:
            feed_name = check_name(name) if name else feed_name_from_url(url, taken)
            spec = FeedSpec(name=feed_name, url=url, tags=("chat",))
        except ValueError as exc:
            return error(f"That feed cannot be added: {one_line(str(exc))}")
        if spec.name in taken:
            return error(
                f"A feed named {spec.name} already exists; give another name: `feeds add <url> <name>`."
            )
        probe = await probe_source(self._fetcher, self._parser, spec, self._guard)
        await self._store.add_user_feed(probe.spec, user, self._clock.now(), origin="chat")
        title = probe.parsed.title or probe.spec.url
        lines = [
            f"Now watching {spec.name}: {title} ({len(probe.parsed.entries)} item(s) in the feed; only new ones will alert)."
        ]
        if probe.page:
            lines.append(
                f"{url} is a web page; it offers the feed {probe.spec.url}, which was added."
            )
            lines += [f"Also offered: {u} ({t or kind})" for u, t, kind in probe.others[:5]]
        return Reply(lines=lines)

    async def _route(self, command: RouteCommand, user: str, destination: Destination) -> Reply:
        if command.action == "list":
            routes = [r for r in await self._poller.routes() if r.to == destination]
            if not routes:
                return Reply(
                    lines=[
                        "No routes deliver to this channel. An admin can add one, e.g. `route add trade topics=tariffs min=3`."
                    ]
                )
            return Reply(
                lines=[f"{len(routes)} route(s) deliver here:"]
                + [f"• {describe_route(r)}" for r in routes]
            )
        if command.action == "remove":
            if await self._store.remove_chat_route(command.name, destination.key):
                return Reply(lines=[f"Removed route {command.name}."])
            return error(
                f"No route named {command.name} delivers to this channel (routes from the config file are changed there)."
            )
        try:
            route = command.to_route(destination)
        except CommandError as exc:
            return error(str(exc))
        if any(r.name == route.name for r in await self._poller.routes()):
            return error(f"A route named {route.name} already exists; pick another name.")
        feeds = {f.name for f in await self._poller.feeds()}
        unknown = [unknown_name("feed", n, feeds) for n in route.feeds if n not in feeds]
        if unknown:
            return error(f"invalid route: feeds: {'; '.join(unknown)} (see `feeds list`)")
        await self._store.add_chat_route(route, user, self._clock.now())
        return Reply(lines=[f"Added route {describe_route(route)}"])

    async def digest(
        self, destination: Destination, period: timedelta, *, share: bool = False
    ) -> Reply:
        """The period's top stories for this channel's routes (all feeds when none), with the
        escalation-index chart; only to the asking user unless ``share``."""
        routes = [r for r in await self._poller.routes() if r.to == destination]
        notice = await self._digests.build(destination, routes, period)
        items = [(line_item(line), line.assessment) for line in notice.lines if line.assessment]
        return Reply(
            lines=[notice.title],
            items=items,
            share=share,
            image_png=notice.image_png,
            image_title=notice.image_title,
        )

    async def status(self) -> Reply:
        now = self._clock.now()
        feeds = await self._poller.feeds()
        states = await self._store.feed_states()
        last = max((s.last_polled_at for s in states if s.last_polled_at), default=None)
        failing = [s.name for s in states if s.last_error]
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        counts = await self._store.counts(midnight)
        lines = [
            f"Feeds: {len(feeds)} watched, {len(failing)} failing"
            + (f" ({', '.join(failing[:5])})" if failing else ""),
            f"Last poll: {_ago(last, now) if last else 'never'}",
            f"Today (UTC): {counts['items']} new item(s), {counts['relevant']} relevant, {counts['sent']} alert(s) sent"
            + (f", {counts['pending']} queued" if counts["pending"] else "")
            + (f", {counts['failed']} failed" if counts["failed"] else ""),
            f"Routes: {len(await self._poller.routes())}",
        ]
        return Reply(lines=lines)

    async def routes(self) -> list[Route]:
        """Every route: from the config file and from chat."""
        return await self._poller.routes()

    async def feedback(
        self, feed: str, key: str, user: str, vote: int, destination: Destination
    ) -> None:
        await self._store.record_feedback(feed, key, user, vote, destination.key, self._clock.now())

    async def mute(self, feed: str, key: str, user: str, destination: Destination) -> None:
        """Mute the story the alert belongs to, in this channel."""
        found = await self._store.item(feed, key)
        story = found[0].story if found and found[0].story else key
        await self._store.mute_story(story, destination.key, user, self._clock.now())

    async def item(self, feed: str, key: str) -> tuple[Item, Assessment] | None:
        found = await self._store.item(feed, key)
        if found is None or found[1] is None:
            return None
        return found[0], found[1]


def line_item(line: NoticeLine) -> Item:
    return Item(
        key=line.link or line.text,
        feed=line.source or "digest",
        title=line.text,
        link=line.link,
        source=line.source,
    )


def describe_route(route: Route) -> str:
    parts = [route.name]
    if route.topics:
        parts.append("topics=" + ",".join(route.topics))
    if route.actors:
        parts.append("actors=" + ",".join(route.actors))
    if route.labels:
        parts.append("labels=" + ",".join(route.labels))
    if route.min_escalation:
        parts.append(f"min={route.min_escalation:g}")
    if route.clarity:
        parts.append("clarity=" + ",".join(route.clarity))
    if route.feeds:
        parts.append("feeds=" + ",".join(route.feeds))
    if route.match is not None:
        parts.append(f"match={shlex.quote(route.match)}")
    if not route.relevant_only:
        parts.append("relevant_only=false")
    if len(parts) == 1:
        parts.append("(every relevant item)")
    return " ".join(parts)


def _ago(when: datetime, now: datetime) -> str:
    seconds = int((now - when).total_seconds())
    if seconds < 90:
        return "just now"
    if seconds < 5400:
        return f"{seconds // 60} min ago"
    if seconds < 172800:
        return f"{seconds // 3600} h ago"
    return f"{seconds // 86400} days ago"

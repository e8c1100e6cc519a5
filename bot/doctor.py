"""``signalbot doctor``: everything the bot needs to work, checked from where it runs.

The config file and environment, the database (reachable, migrations at head), the Slack token
(``auth.test``, its scopes against the manifest's), the bot's membership of every channel a route
or ``ops`` names, each Teams webhook's reachability (a GET: nothing is posted), and each feed's last
poll. Every problem comes with its fix. Secrets and webhook URLs are never printed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from pydantic import ValidationError

from bot.adapters.config_file import resolve_config, validation_problems
from bot.adapters.slack_checks import auth_test, channel_problem
from bot.adapters.sql.base import redact_url
from bot.adapters.sql.store import SqlStore
from bot.app import slack_web_client
from bot.domain.config import BotConfig, Destination, FeedSpec, Route
from bot.errors import ConfigError, SignalbotError
from bot.readiness import head_version
from bot.settings import Settings
from handlers.slack import SCOPES


@dataclass
class Problem:
    area: str
    what: str
    fix: str


@dataclass
class Report:
    ok: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def problem(self, area: str, what: str, fix: str) -> None:
        self.problems.append(Problem(area, what, fix))


def _destinations(config: BotConfig, chat_routes: list[Route]) -> list[tuple[str, Destination]]:
    named = [(f"route {r.name}", r.to) for r in (*config.routes, *chat_routes)]
    if config.ops is not None:
        named.append(("ops", config.ops.to))
    return named


def check_config(config_path: Path | None, report: Report) -> tuple[Settings, BotConfig | None]:
    try:
        settings = Settings()
    except ValidationError as exc:
        for key, message in validation_problems(exc):
            report.problem(
                "environment", f"{key}: {message}", f"set {key} to a valid value, or unset it"
            )
        settings = Settings.model_construct()
    try:
        config, source = resolve_config(config_path)
    except ConfigError as exc:
        for path, message in exc.problems:
            report.problem(
                "config",
                f"{exc.source}: {path or '<root>'}: {message}",
                f"edit {path or 'the file'} in {exc.source} (`signalbot check-config` re-checks it)",
            )
        return settings, None
    report.ok.append(
        f"config: {source} · {len(config.feeds)} feed(s), {len(config.routes)} route(s)"
    )
    return settings, config


async def check_database(
    settings: Settings, report: Report, feeds: list[FeedSpec], config: BotConfig | None
) -> list[Route]:
    """The database and, through it, the last status of every feed; returns the chat routes."""
    url = settings.db_url()
    shown = redact_url(url)
    if (path := _missing_sqlite_file(url)) is not None:
        report.problem(
            "database",
            f"no database yet at {path}",
            "start the bot once (`signalbot run` or `signalbot poll`): it creates and "
            "migrates it; or point SIGNALBOT_DATA_DIR / SIGNALBOT_DATABASE_URL at the right one",
        )
        return []
    store = SqlStore(url)
    try:
        try:
            await store._run("SELECT 1")
        except SignalbotError as exc:
            report.problem(
                "database",
                f"cannot reach {shown}: {_first_line(exc)}",
                "check SIGNALBOT_DATABASE_URL (host, port, user, database) and that the server "
                "is running and accepts connections from here",
            )
            return []
        try:
            version = await store.schema_version()
        except SignalbotError:
            version = 0
        head = head_version()
        if version < head:
            report.problem(
                "database",
                f"{shown}: schema at version {version}, this release needs {head}",
                "run `signalbot db upgrade` (or start this release once: `signalbot run` upgrades it)",
            )
            return []
        if version > head:
            report.problem(
                "database",
                f"{shown}: schema at version {version}, newer than this release ({head})",
                "run the release that migrated it (or a newer one)",
            )
        else:
            report.ok.append(f"database: {shown} · migrations at head ({head})")
        states = {s.name: s for s in await store.feed_states()}
        names = {f.name for f in feeds}
        all_feeds = [*feeds, *(f for f in await store.user_feeds() if f.name not in names)]
        for spec in all_feeds:
            state = states.get(spec.name)
            if state is None or (state.polls == 0 and not state.error_count):
                report.ok.append(f"feed {spec.name}: not polled yet")
            elif state.error_count:
                report.problem(
                    "feeds",
                    f"feed {spec.name} failed its last {state.error_count} poll(s): "
                    f"{state.last_error or 'unknown error'}",
                    "open the feed's URL from this host; fix or replace it in the config "
                    "(or `signalbot feeds remove NAME` for a feed added from chat)",
                )
            else:
                report.ok.append(f"feed {spec.name}: last poll OK")
        return await store.chat_routes() if config is not None else []
    finally:
        await store.close()


async def check_slack(
    settings: Settings, report: Report, destinations: list[tuple[str, Destination]]
) -> None:
    slack = [(who, d) for who, d in destinations if d.platform == "slack"]
    token = settings.slack_bot_token
    if token is None or not token.get_secret_value():
        if slack:
            report.problem(
                "slack",
                f"{slack[0][0]} sends to Slack but SLACK_BOT_TOKEN is not set",
                "set SLACK_BOT_TOKEN to the app's Bot User OAuth Token (xoxb-…)",
            )
        return
    client = slack_web_client(settings)
    auth = await auth_test(client)
    if not auth.ok:
        report.problem(
            "slack",
            f"auth.test refused the token: {auth.error}",
            "copy the Bot User OAuth Token from the app's OAuth & Permissions page into "
            "SLACK_BOT_TOKEN (and SLACK_API_URL for GovSlack)",
        )
        return
    report.ok.append(f"slack: token accepted (bot {auth.bot or '?'}, team {auth.team or '?'})")
    if not auth.scopes_known:
        report.ok.append("slack: the token's scopes were not reported; not compared")
    elif missing := auth.missing_scopes(SCOPES):
        report.problem(
            "slack",
            f"the token lacks scope(s) {', '.join(missing)} "
            f"(the manifest asks for {', '.join(sorted(SCOPES))})",
            "add them under OAuth & Permissions (or re-create the app from "
            "deploy/slack/manifest.yaml), then reinstall the app to the workspace",
        )
    else:
        report.ok.append("slack: every scope of the manifest is granted")
    for who, destination in slack:
        problem = await channel_problem(client, destination.target)
        if problem is None:
            report.ok.append(f"slack: {who} → {destination.target}: the bot is a member")
        else:
            report.problem(
                "slack",
                f"{who} → {destination.target}: {problem}",
                f"in Slack, open {destination.target} and `/invite @signalbot` (or fix the ID)",
            )


async def check_teams(
    report: Report,
    destinations: list[tuple[str, Destination]],
    client_factory: Callable[[], httpx.AsyncClient],
) -> None:
    """A GET to each webhook: any answer but 404/410/5xx shows it is reachable; nothing posted."""
    teams = [(who, d) for who, d in destinations if d.platform == "teams"]
    if not teams:
        return
    async with client_factory() as client:
        for who, destination in teams:
            host = urlsplit(destination.target).hostname or "?"
            try:
                response = await client.get(destination.target)
            except httpx.HTTPError as exc:
                report.problem(
                    "teams",
                    f"{who}: the webhook at {host} is unreachable ({exc.__class__.__name__})",
                    "check the URL in the config and that this host may reach it (proxy, firewall)",
                )
                continue
            if response.status_code in (404, 410):
                report.problem(
                    "teams",
                    f"{who}: the webhook at {host} does not exist (HTTP {response.status_code})",
                    "re-create the Workflows webhook in Teams and put its new URL in the route",
                )
            elif response.status_code >= 500:
                report.problem(
                    "teams",
                    f"{who}: the webhook at {host} answers HTTP {response.status_code}",
                    "try again later; if it persists, re-create the Workflows webhook",
                )
            else:
                report.ok.append(f"teams: {who}: the webhook at {host} is reachable")


async def diagnose(
    config_path: Path | None,
    data_dir: Path | None = None,
    client_factory: Callable[[], httpx.AsyncClient] | None = None,
) -> Report:
    report = Report()
    settings, config = check_config(config_path, report)
    report.ok.append(scorer_kind())
    if data_dir is not None:
        settings = settings.model_copy(update={"data_dir": data_dir})
    feeds = list(config.feeds) if config else []
    chat_routes = await check_database(settings, report, feeds, config)
    if config is not None:
        destinations = _destinations(config, chat_routes)
        await check_slack(settings, report, destinations)
        await check_teams(
            report, destinations, client_factory or (lambda: httpx.AsyncClient(timeout=10.0))
        )
    return report


def scorer_kind() -> str:
    """How the scorer runs here: compiled, or as Python source (slower, not a fault)."""
    from bot.domain.scoring import compiled

    if compiled():
        return "scorer: compiled (mypyc)"
    return "scorer: Python source (about a third slower; python -m bot.native_build compiles it)"


def _missing_sqlite_file(url: str) -> Path | None:
    if not url.startswith("sqlite"):
        return None
    path = Path(url.split(":///", 1)[1])
    return None if path.exists() else path


def _first_line(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300]

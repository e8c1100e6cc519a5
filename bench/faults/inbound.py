"""Hostile inbound requests against the bot's web routes, and secrets in what it says.

python bench/faults/inbound.py

Starts the bot's web server on loopback (Slack HTTP mode, Teams outgoing webhook, Teams bot),
sends 28 hostile requests (``hostile_inbound.py``) and prints how each was answered, the number of
5xx answers, whether replayed requests were processed once, and whether a Teams webhook secret
shows up in the logs, the App Home view or chat replies after the webhook refused alerts (it
answers 400 quoting the URL it was called with).
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import sys
import tempfile
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from aiohttp import web
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.faults.hostile_inbound import (
    SLACK_SECRET,
    TEAMS_TOKEN,
    hostile_requests,
    slack_headers,
    slash,
)
from bot.app import build_app, inbound
from bot.domain.config import BotConfig
from bot.settings import Settings
from bot.web import start_site
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import Recorder, feed_server, recorder_server, slack_server

WEBHOOK_SECRET = "S3CRETsig0123456789"  # noqa: S105 -- the secret the suite looks for


@dataclass
class InboundResult:
    answers: list[tuple[str, int]] = field(default_factory=list)
    replays_processed: dict[str, int] = field(default_factory=dict)
    secrets_found: dict[str, int] = field(default_factory=dict)  # where → occurrences
    webhook_calls: int = 0

    @property
    def server_errors(self) -> int:
        return sum(1 for _, status in self.answers if status >= 500)

    def summary(self) -> str:
        by_class = Counter(f"{status // 100}xx" for _, status in self.answers)
        lines = [f"{name:48} {status}" for name, status in self.answers]
        lines.append(
            f"{len(self.answers)} hostile requests: "
            + ", ".join(f"{n} × {k}" for k, n in sorted(by_class.items()))
            + f" · {self.server_errors} × 5xx"
        )
        lines.append(
            "replays: "
            + ", ".join(f"{k} processed {n}×" for k, n in self.replays_processed.items())
        )
        lines.append(
            f"webhook secret after {self.webhook_calls} refused webhook call(s): "
            + ", ".join(f"{n} in {where}" for where, n in self.secrets_found.items())
        )
        return "\n".join(lines)


@asynccontextmanager
async def _failing_webhook() -> AsyncIterator[tuple[str, list[str]]]:
    """A Teams Workflows stand-in that refuses every post, quoting the URL it was called with."""
    calls: list[str] = []

    async def refuse(request: web.Request) -> web.Response:
        calls.append(str(request.url))
        return web.json_response(
            {"error": {"code": "InvalidRequest", "message": f"bad call to {request.url}"}},
            status=400,
        )

    app = web.Application()
    app.router.add_post("/workflows/{tail:.*}", refuse)
    port, stop = await start_site(app, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{port}/workflows/run?api-version=1&sig={WEBHOOK_SECRET}", calls
    finally:
        await stop()


async def _send_probes(client: httpx.AsyncClient, base: str, responses: Recorder) -> InboundResult:
    result = InboundResult()
    for probe in hostile_requests(responses.base + "/response"):
        sends = 2 if probe.replay_of else 1
        before = len(responses.received)
        status = 0
        for _ in range(sends):
            response = await client.post(
                base + probe.path, content=probe.body, headers=probe.headers
            )
            status = response.status_code
        if probe.replay_of:
            await asyncio.sleep(1.0)  # the answer goes to response_url after the ack
            result.replays_processed[probe.replay_of] = len(responses.received) - before
        result.answers.append((probe.name, status))
    return result


async def run_inbound(tmp: Path) -> InboundResult:
    logs = io.StringIO()
    handler = logging.StreamHandler(logs)
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s %(message)s"))
    root = logging.getLogger()
    root.addHandler(handler)
    level, root.level = root.level, logging.DEBUG
    # Everything at DEBUG, httpx's request lines included, except aiosqlite's dump of every SQL
    # statement and its parameters, which the CLI always keeps at WARNING.
    sql_log = logging.getLogger("aiosqlite")
    sql_level, sql_log.level = sql_log.level, logging.WARNING
    try:
        return await _run(tmp, logs)
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        sql_log.setLevel(sql_level)


async def _run(tmp: Path, logs: io.StringIO) -> InboundResult:
    with slack_server() as slack, recorder_server() as responses, feed_server() as feeds:
        settings = Settings(
            SLACK_BOT_TOKEN=SecretStr("xoxb-fault"),
            SLACK_SIGNING_SECRET=SecretStr(SLACK_SECRET),
            SLACK_API_URL=slack.base,
            SIGNALBOT_DATA_DIR=tmp / "data",
            TEAMS_OUTGOING_TOKEN=SecretStr(TEAMS_TOKEN),
            TEAMS_APP_ID="00000000-0000-0000-0000-000000000001",
            TEAMS_APP_PASSWORD=SecretStr("fault-password"),
            TEAMS_TENANT_ID="00000000-0000-0000-0000-000000000002",
        )
        wire = feeds.set("/wire", rss([rss_item("w1", TARIFF_TITLE, TARIFF_TEXT)]))
        async with _failing_webhook() as (webhook, calls):
            config = BotConfig.model_validate(
                {
                    "chat": {"admins": ["UFAULT"]},
                    "feeds": [{"name": "wire", "url": wire}],
                    "polling": {"backlog": 5},
                    "routes": [
                        {"name": "teams-desk", "to": f"teams:{webhook}"},
                        {"name": "slack-desk", "to": "slack:C0FAULTS"},
                    ],
                }
            )
            async with build_app(settings, config) as app, inbound(app, 0) as port:
                base = f"http://127.0.0.1:{port}"
                await app.poller.poll_once()
                async with httpx.AsyncClient(timeout=10) as client:
                    result = await _send_probes(client, base, responses)
                    before = len(responses.received)
                    for text in ("route list", "status", "feeds errors"):
                        body = slash(text, responses.base + "/response")
                        await client.post(
                            base + "/slack/events", content=body, headers=slack_headers(body)
                        )
                    event = json.dumps(
                        {
                            "type": "event_callback",
                            "event_id": "EvHome",
                            "team_id": "T1",
                            "api_app_id": "A1",
                            "event": {"type": "app_home_opened", "user": "UFAULT", "tab": "home"},
                        }
                    ).encode()
                    await client.post(
                        base + "/slack/events",
                        content=event,
                        headers={**slack_headers(event), "Content-Type": "application/json"},
                    )
                    await asyncio.to_thread(responses.wait_for, before + 3)
                    for _ in range(200):
                        if any(c.method == "views.publish" for c in slack.calls):
                            break
                        await asyncio.sleep(0.05)
        result.webhook_calls = len(calls)
        home = [json.dumps(c.params) for c in slack.calls if c.method == "views.publish"]
        posts = [json.dumps(c.params) for c in slack.calls if c.method != "views.publish"]
        replies = [json.dumps(body) for _, body in responses.received]
        result.secrets_found = {
            "logs": logs.getvalue().count(WEBHOOK_SECRET),
            f"App Home ({len(home)} view(s))": sum(v.count(WEBHOOK_SECRET) for v in home),
            f"replies ({len(replies)})": sum(r.count(WEBHOOK_SECRET) for r in replies),
            f"Slack posts ({len(posts)})": sum(p.count(WEBHOOK_SECRET) for p in posts),
        }
    return result


def main() -> None:
    logging.getLogger().addHandler(logging.NullHandler())  # figures only, no log lines
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run_inbound(Path(tmp)))
    print(result.summary())


if __name__ == "__main__":
    main()

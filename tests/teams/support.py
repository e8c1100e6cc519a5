"""Loopback stand-ins for the Teams tests: a Workflows webhook, the Bot Connector service that
replies go to (the activity's ``serviceUrl``), and web pages that can be held back."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from aiohttp import web

from bot.domain.models import Assessment, ClarityBand, Evidence, Item, Label, ReversionRisk
from bot.web import start_site

REPO_ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = REPO_ROOT.parent / "shared" / "schemas" / "adaptive-card-1.4.json"
TODAY = date(2026, 11, 20)
HOSTILE = (
    "[click here](https://evil.example/phish) **urgent** _now_ <at>Everyone</at> "
    "&lt;at&gt;Boss&lt;/at&gt; <a href='https://evil.example'>x</a> ![img](https://evil.example/p.png)"
)


def make_alert(
    *,
    title: str = "China approves some rare earth export licences to EU firms",
    link: str = "https://news.example.org/2026/11/20/china-rare-earths",
    label: Label = Label.DEESCALATION,
    summary: str = "Beijing approved some applications for rare earth exports to European firms, "
    "but named neither volumes nor licence holders.",
) -> tuple[Item, Assessment]:
    item = Item(
        key="guid:1",
        feed="wire",
        title=title,
        link=link,
        source="Example Wire",
        published=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    escalation = {Label.ESCALATION: 6.5, Label.DEESCALATION: -2.5, Label.MIXED: 1.0}.get(label, 0.0)
    assessment = Assessment(
        relevant=True,
        label=label,
        escalation=escalation,
        clarity=22,
        clarity_band=ClarityBand.SIGNAL,
        hedged=True,
        missing=["no volumes", "no named licence holders", "no timeline"],
        reversion_risk=ReversionRisk(phrase="controls may return", date=date(2027, 1, 31)),
        topics=["rare-earths", "export-controls"],
        actors=["CN", "EU"],
        evidence=[
            Evidence(cue="symbolic concession", sentence="s", kind="clarity-", contribution=-12),
            Evidence(
                cue="approved some applications",
                sentence="s",
                kind="de-escalation",
                contribution=-2.5,
            ),
            Evidence(cue="no timeline", sentence="s", kind="clarity-", contribution=-8),
        ],
        summary=summary,
    )
    return item, assessment


@dataclass
class Received:
    at: float
    path: str
    query: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class WebhookStandIn:
    """A Workflows webhook: records each POST; answers ``script`` statuses first, then 202."""

    base: str = ""
    received: list[Received] = field(default_factory=list)
    script: list[tuple[int, dict[str, str], str]] = field(default_factory=list)

    def url(self, name: str = "a", sig: str = "S3CRET-SIGNATURE") -> str:
        return (
            f"{self.base}/workflows/{name}/triggers/manual/paths/invoke"
            f"?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={sig}"
        )

    async def handle(self, request: web.Request) -> web.Response:
        self.received.append(
            Received(
                time.monotonic(),
                request.path,
                request.query_string,
                dict(request.headers),
                await request.read(),
            )
        )
        if self.script:
            status, headers, body = self.script.pop(0)
            return web.Response(status=status, headers=headers, text=body)
        return web.Response(status=202, headers={"x-ms-workflow-run-id": "run-1"})


@dataclass
class ConnectorStandIn:
    """The Bot Connector service: records activities the bot sends to ``serviceUrl``."""

    base: str = ""
    activities: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    arrived: asyncio.Condition = field(default_factory=asyncio.Condition)

    async def handle(self, request: web.Request) -> web.Response:
        body = await request.json()
        async with self.arrived:
            self.activities.append((request.path, body))
            self.arrived.notify_all()
        return web.json_response({"id": f"reply-{len(self.activities)}"})

    def messages(self) -> list[dict[str, Any]]:
        return [a for _, a in self.activities if a.get("type") == "message"]

    async def wait_for_messages(self, count: int) -> list[dict[str, Any]]:
        """The message activities so far, once there are ``count`` (a guard stops a hang)."""
        async with asyncio.timeout(10), self.arrived:
            await self.arrived.wait_for(lambda: len(self.messages()) >= count)
        return self.messages()


@dataclass
class Pages:
    """Web pages for ``analyze <url>``; a page can be held until ``release`` is set."""

    base: str = ""
    pages: dict[str, str] = field(default_factory=dict)
    release: asyncio.Event = field(default_factory=asyncio.Event)
    held: set[str] = field(default_factory=set)

    async def handle(self, request: web.Request) -> web.Response:
        if request.path in self.held:
            await self.release.wait()
        page = self.pages.get(request.path)
        if page is None:
            return web.Response(status=404)
        return web.Response(text=page, content_type="text/html")


@asynccontextmanager
async def serve(handler: Any, method: str = "POST") -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_route(method, "/{tail:.*}", handler)
    port, stop = await start_site(app, "127.0.0.1", 0)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        await stop()


def activity(
    text: str, *, user: str = "aad-reader", service_url: str = "", **extra: Any
) -> dict[str, Any]:
    """A Teams message activity as Teams sends it (to an outgoing webhook or a bot)."""
    body: dict[str, Any] = {
        "type": "message",
        "id": "1700000000001",
        "timestamp": "2026-11-20T12:00:00.000Z",
        "channelId": "msteams",
        "serviceUrl": service_url or "https://smba.trafficmanager.net/emea/",
        "from": {"id": f"29:{user}", "name": "Ana Reader", "aadObjectId": user},
        "conversation": {
            "id": "19:desk@thread.tacv2;messageid=1700000000001",
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": "tenant-1",
        },
        "recipient": {"id": "28:signalbot", "name": "Signalbot"},
        "textFormat": "plain",
        "text": text,
        "entities": [
            {
                "type": "mention",
                "text": "<at>Signalbot</at>",
                "mentioned": {"id": "28:signalbot", "name": "Signalbot"},
            }
        ],
    }
    body.update(extra)
    return body


def card_of(message: dict[str, Any]) -> dict[str, Any]:
    [attachment] = message["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    content: dict[str, Any] = attachment["content"]
    return content


def card_text(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)

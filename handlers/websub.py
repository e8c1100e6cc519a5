"""WebSub callbacks on the bot's web server: ``GET /websub/{id}`` answers the hub's verification
of intent, ``POST /websub/{id}`` takes signed content into the poll's ingest.

A push is answered at once (202) and ingested in the background; an unknown callback gets 404,
an unverified, unsigned, wrongly signed or other-topic push 403, and nothing of it is ingested.
"""

from __future__ import annotations

import asyncio
import logging

from aiohttp import web

from bot.domain.config import FeedSpec
from bot.errors import SignalbotError
from bot.services.polling import Poller
from bot.services.websub import CALLBACK_PATH, WebSub

log = logging.getLogger(__name__)


def register(app: web.Application, websub: WebSub, poller: Poller, max_body: int) -> None:
    tasks: set[asyncio.Task[None]] = set()

    async def verify(request: web.Request) -> web.Response:
        params = {k: v for k, v in request.query.items() if k.startswith("hub.")}
        status, challenge = await websub.verify(request.match_info["callback"], params)
        return web.Response(status=status, text=challenge, content_type="text/plain")

    async def push(request: web.Request) -> web.Response:
        callback = request.match_info["callback"]
        if request.content_length is not None and request.content_length > max_body:
            return web.Response(status=413, text="body too large")
        body = await request.content.read(max_body + 1)
        if len(body) > max_body:
            return web.Response(status=413, text="body too large")
        sub, reason = await websub.check_push(
            callback, body, request.headers.get("X-Hub-Signature"), request.headers.get("Link")
        )
        if sub is None:
            return web.Response(status=404 if reason == "unknown callback" else 403, text=reason)
        specs = {f.name: f for f in await poller.feeds()}
        spec = specs.get(sub.feed)
        if spec is None:
            return web.Response(status=410, text="feed no longer watched")
        task = asyncio.create_task(_ingest(poller, spec, body))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
        return web.Response(status=202, text="accepted")

    app.router.add_get(CALLBACK_PATH + "{callback}", verify)
    app.router.add_post(CALLBACK_PATH + "{callback}", push)


async def _ingest(poller: Poller, spec: FeedSpec, body: bytes) -> None:
    try:
        outcome = await poller.ingest_pushed(spec, body)
        log.info("feed %s: pushed content, %d new item(s)", spec.name, outcome.new_items)
    except SignalbotError as exc:
        log.warning("feed %s: pushed content unusable: %s", spec.name, exc)
    except Exception:  # a bug must not take the web server down
        log.exception("feed %s: unexpected error on pushed content", spec.name)

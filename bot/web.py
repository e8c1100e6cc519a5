"""The one inbound web server (aiohttp): Slack at /slack/events, Teams at /api/messages and
/teams/outgoing, and /healthz. ``signalbot serve`` runs it alone; ``signalbot run`` beside the
poller."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from aiohttp import web

from bot.ports import Store

log = logging.getLogger(__name__)

Registrar = Callable[[web.Application], None]


def build_web_app(store: Store, registrars: list[Registrar]) -> web.Application:
    """An aiohttp application with /healthz and every platform's routes."""
    app = web.Application(client_max_size=1_000_000)

    async def healthz(_request: web.Request) -> web.Response:
        try:
            await store.feed_states()
        except Exception as exc:
            log.warning("health check: store unavailable: %s", exc)
            return web.json_response({"status": "unhealthy", "store": "unavailable"}, status=503)
        return web.json_response({"status": "ok"})

    app.router.add_get("/healthz", healthz)
    for register in registrars:
        register(app)
    return app


async def start_site(
    app: web.Application, host: str, port: int
) -> tuple[int, Callable[[], Awaitable[None]]]:
    """Start serving (port 0 picks a free one); return the bound port and the stop function."""
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound = int(runner.addresses[0][1]) if runner.addresses else port
    log.info("listening on http://%s:%d", host, bound)
    return bound, runner.cleanup

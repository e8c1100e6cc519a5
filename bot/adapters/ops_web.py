"""Operational routes on the web server: ``/readyz`` (may this replica take traffic?) and
``/metrics`` (Prometheus text format). ``/healthz`` (is the process alive?) is in ``bot.web``."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping

from aiohttp import web

log = logging.getLogger(__name__)

# A check answers None when all is well, else a sentence saying what is wrong.
Check = Callable[[], Awaitable[str | None]]
CHECK_TIMEOUT_S = 5.0


async def run_checks(checks: Mapping[str, Check]) -> dict[str, str | None]:
    async def one(check: Check) -> str | None:
        try:
            return await asyncio.wait_for(check(), timeout=CHECK_TIMEOUT_S)
        except TimeoutError:
            return f"no answer within {CHECK_TIMEOUT_S:g} s"
        except Exception as exc:  # a failing check is an answer, never a 500
            return f"{exc.__class__.__name__}: {exc}"

    results = await asyncio.gather(*(one(c) for c in checks.values()))
    return dict(zip(checks, results, strict=True))


def register_readyz(app: web.Application, checks: Mapping[str, Check]) -> None:
    async def readyz(_request: web.Request) -> web.Response:
        results = await run_checks(checks)
        problems = {name: p for name, p in results.items() if p}
        if problems:
            log.warning("not ready: %s", "; ".join(f"{k}: {v}" for k, v in problems.items()))
        return web.json_response(
            {
                "status": "unready" if problems else "ready",
                "checks": {name: p or "ok" for name, p in results.items()},
            },
            status=503 if problems else 200,
        )

    app.router.add_get("/readyz", readyz)


def register_metrics(
    app: web.Application, exposition: Callable[[], bytes], content_type: str
) -> None:
    async def metrics(_request: web.Request) -> web.Response:
        response = web.Response(body=exposition())
        response.headers["Content-Type"] = content_type
        return response

    app.router.add_get("/metrics", metrics)


def app_with(register: Callable[[web.Application], None]) -> web.Application:
    """A web application serving only what ``register`` adds (``/metrics`` on a port of its own)."""
    app = web.Application()
    register(app)
    return app

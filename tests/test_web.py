"""The inbound web server: /healthz and published chart images, over loopback HTTP."""

from __future__ import annotations

from pathlib import Path

import httpx

from bot.adapters.chart_files import ChartFiles
from bot.adapters.sql.store import SqlStore
from bot.web import build_web_app, start_site


async def test_healthz_and_chart_files(tmp_path: Path, store: SqlStore) -> None:
    charts = ChartFiles(tmp_path / "charts", "https://bot.example.org")
    url = charts.publish(b"\x89PNG fake image")
    name = url.rsplit("/", 1)[1]
    port, stop = await start_site(build_web_app(store, [charts.register]), "127.0.0.1", 0)
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            health = await client.get("/healthz")
            image = await client.get(f"/charts/{name}")
            traversal = await client.get("/charts/..%2F..%2Fetc%2Fpasswd")
            unknown = await client.get("/charts/" + "0" * 32 + ".png")
    finally:
        await stop()
    assert health.json() == {"status": "ok"}
    assert image.status_code == 200
    assert image.content == b"\x89PNG fake image"
    assert traversal.status_code == 404
    assert unknown.status_code == 404


async def test_healthz_reports_an_unavailable_store(tmp_path: Path) -> None:
    broken = SqlStore(f"sqlite+aiosqlite:///{tmp_path / 'missing-dir' / 'x.db'}")
    port, stop = await start_site(build_web_app(broken, []), "127.0.0.1", 0)
    try:
        async with httpx.AsyncClient() as client:
            health = await client.get(f"http://127.0.0.1:{port}/healthz")
    finally:
        await stop()
        await broken.close()
    assert health.status_code == 503


async def test_teams_routes_are_served_only_when_configured(tmp_path: Path) -> None:
    from pydantic import SecretStr

    from bot.app import App, build_app
    from bot.domain.config import BotConfig
    from bot.settings import Settings

    def paths(app: App) -> set[str]:
        return {r.resource.canonical for r in app.web_app().router.routes() if r.resource}

    plain = Settings(SIGNALBOT_DATA_DIR=tmp_path / "a")
    async with build_app(plain, BotConfig()) as app:
        assert "/api/messages" not in paths(app)
        assert "/teams/outgoing" not in paths(app)
    configured = Settings(
        SIGNALBOT_DATA_DIR=tmp_path / "b",
        SIGNALBOT_TEAMS_ANONYMOUS=True,
        TEAMS_OUTGOING_TOKEN=SecretStr("c2VjcmV0LXRva2VuLWZvci10ZXN0cw=="),
    )
    async with build_app(configured, BotConfig()) as app:
        assert {"/api/messages", "/teams/outgoing", "/healthz"} <= paths(app)

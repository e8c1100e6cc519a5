"""Chart images published by the bot's own web server, for platforms that take an image only by
URL (Teams cards: a data URI would break the 20 KB card cap)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from aiohttp import web

_NAME = re.compile(r"^[0-9a-f]{32}\.png$")
ROUTE = "/charts/{name}"


class ChartFiles:
    """Saves PNGs under ``folder`` by content hash; serves them at ``{public_url}/charts/…``."""

    def __init__(self, folder: Path, public_url: str) -> None:
        self._folder = folder
        self._public = public_url.rstrip("/")

    def publish(self, png: bytes) -> str:
        """Store the image (idempotent) and return its public URL."""
        self._folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha256(png).hexdigest()[:32] + ".png"
        path = self._folder / name
        if not path.exists():
            path.write_bytes(png)
        return f"{self._public}/charts/{name}"

    def register(self, app: web.Application) -> None:
        from aiohttp import web  # the web server's stack; the poll cycle only publishes

        async def serve(request: web.Request) -> web.StreamResponse:
            name = request.match_info["name"]
            path = self._folder / name
            if not _NAME.match(name) or not path.is_file():
                raise web.HTTPNotFound()
            return web.FileResponse(path, headers={"Cache-Control": "public, max-age=604800"})

        app.router.add_get(ROUTE, serve)

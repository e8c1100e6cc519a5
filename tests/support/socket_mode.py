"""A loopback stand-in for Slack's Socket Mode WebSocket (the URL apps.connections.open hands
out): says hello, sends envelopes, records the acks, and can ask the client to reconnect."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from aiohttp import WSMsgType, web

WAIT_S = 20.0


class SocketModeStandIn:
    def __init__(self) -> None:
        self.url = ""
        self.connections = 0
        self.acks: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._current: web.WebSocketResponse | None = None
        self._changed = asyncio.Condition()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "connection_info": {"app_id": "A0SIGNAL"},
                "debug_info": {"host": "loopback"},
            }
        )
        async with self._changed:
            self.connections += 1
            self._current = ws
            self._changed.notify_all()
        async for message in ws:
            if message.type == WSMsgType.TEXT:
                await self.acks.put(json.loads(message.data))
        return ws

    async def wait_for_connection(self, number: int) -> None:
        """Until the ``number``-th connection has been greeted (or fail after WAIT_S)."""
        async with self._changed:
            await asyncio.wait_for(
                self._changed.wait_for(lambda: self.connections >= number), WAIT_S
            )

    async def send_envelope(self, kind: str, payload: dict[str, Any]) -> str:
        assert self._current is not None
        envelope_id = str(uuid.uuid4())
        await self._current.send_json(
            {
                "envelope_id": envelope_id,
                "type": kind,
                "payload": payload,
                "accepts_response_payload": kind == "slash_commands",
            }
        )
        return envelope_id

    async def ack(self) -> dict[str, Any]:
        """The next acknowledgement the client sent (or fail after WAIT_S)."""
        return await asyncio.wait_for(self.acks.get(), WAIT_S)

    async def ask_to_reconnect(self) -> None:
        """What Slack sends before it retires a connection."""
        assert self._current is not None
        await self._current.send_json(
            {"type": "disconnect", "reason": "refresh_requested", "debug_info": {}}
        )


@asynccontextmanager
async def socket_mode_server() -> AsyncIterator[SocketModeStandIn]:
    stand_in = SocketModeStandIn()
    app = web.Application()
    app.router.add_get("/link", stand_in.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    stand_in.url = f"ws://127.0.0.1:{port}/link"
    try:
        yield stand_in
    finally:
        await runner.cleanup()

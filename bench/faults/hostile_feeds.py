"""Hostile feed servers on loopback, one port each (so that each counts as its own host).

Each server speaks raw HTTP/1.1 over asyncio streams, so that it can misbehave in ways a normal
server framework will not: trickle a byte every few seconds, never answer, send a decompression
bomb, declare a body of 10 GB, redirect forever.
"""

from __future__ import annotations

import asyncio
import time
import zlib
from collections import Counter
from dataclasses import dataclass, field

HOSTILE_KINDS = (
    "trickle",
    "gzip-bomb",
    "deflate-bomb",
    "huge-body",
    "huge-declared",
    "429-retry-after-3600",
    "503-always",
    "redirect-loop",
    "redirect-chain",
    "malformed-xml",
    "never-answers",
    "tls-never-answers",
    "500",
    "html-page",
)


def _bomb(wbits: int, megabytes: int) -> bytes:
    """``megabytes`` MB of zeros compressed (about 1 KB per MB)."""
    packer = zlib.compressobj(9, zlib.DEFLATED, wbits)
    block = bytes(1 << 20)
    return b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()


@dataclass
class HostileFeeds:
    """Serves each kind on its own loopback port; ``bodies`` holds the good feeds' XML."""

    bodies: dict[str, bytes] = field(default_factory=dict)
    bomb_mb: int = 1000
    trickle_every_s: float = 5.0
    urls: dict[str, str] = field(default_factory=dict)
    hits: Counter[str] = field(default_factory=Counter)
    first_hit: dict[str, float] = field(default_factory=dict)
    _servers: list[asyncio.Server] = field(default_factory=list)
    _bombs: dict[str, bytes] = field(default_factory=dict)
    _writers: dict[asyncio.StreamWriter, str] = field(default_factory=dict)
    _tasks: set[asyncio.Task[None]] = field(default_factory=set)

    async def start(self, kinds: tuple[str, ...] = HOSTILE_KINDS) -> None:
        if "gzip-bomb" in kinds:
            self._bombs["gzip"] = await asyncio.to_thread(_bomb, 16 + zlib.MAX_WBITS, self.bomb_mb)
        if "deflate-bomb" in kinds:
            self._bombs["deflate"] = await asyncio.to_thread(_bomb, zlib.MAX_WBITS, self.bomb_mb)
        for kind in (*kinds, *self.bodies):
            server = await asyncio.start_server(
                lambda r, w, k=kind: self._serve(k, r, w), "127.0.0.1", 0
            )
            self._servers.append(server)
            port = server.sockets[0].getsockname()[1]
            scheme = "https" if kind.startswith("tls-") else "http"
            self.urls[kind] = f"{scheme}://127.0.0.1:{port}/{kind}"

    def open_hostile(self) -> int:
        """Connections to hostile feeds still open."""
        return sum(1 for kind in list(self._writers.values()) if kind not in self.bodies)

    async def stop(self) -> None:
        for server in self._servers:
            server.close()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(
        self, kind: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        self._writers[writer] = kind
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        try:
            if kind.startswith("tls-"):
                await asyncio.sleep(3600)  # accepts the connection, never starts TLS
            request = await reader.readuntil(b"\r\n\r\n")
            self.hits[kind] += 1
            self.first_hit.setdefault(kind, time.monotonic())
            path = request.split(b" ", 2)[1].decode()
            await self._answer(kind, path, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:  # stop(): the connection handler ends quietly
            pass
        finally:
            self._writers.pop(writer, None)
            if task is not None:
                self._tasks.discard(task)
            writer.close()

    async def _answer(self, kind: str, path: str, writer: asyncio.StreamWriter) -> None:
        def head(status: str, headers: dict[str, str]) -> None:
            lines = [f"HTTP/1.1 {status}", "Connection: close"]
            lines += [f"{k}: {v}" for k, v in headers.items()]
            writer.write(("\r\n".join(lines) + "\r\n\r\n").encode())

        rss = {"Content-Type": "application/rss+xml"}
        if kind in self.bodies:
            body = self.bodies[kind]
            head("200 OK", {**rss, "Content-Length": str(len(body))})
            writer.write(body)
        elif kind == "trickle":
            head("200 OK", {**rss, "Content-Length": "100000"})
            await writer.drain()
            while True:
                writer.write(b"<")
                await writer.drain()
                await asyncio.sleep(self.trickle_every_s)
        elif kind in ("gzip-bomb", "deflate-bomb"):
            bomb = self._bombs[kind.split("-")[0]]
            encoding = kind.split("-")[0]
            head("200 OK", {**rss, "Content-Encoding": encoding, "Content-Length": str(len(bomb))})
            writer.write(bomb)
        elif kind == "huge-body":
            head("200 OK", rss)  # no length: the body ends when the connection closes
            chunk = b"<item><title>x</title></item>" * 4096
            for _ in range(60_000_000 // len(chunk)):
                writer.write(chunk)
                await writer.drain()
        elif kind == "huge-declared":
            head("200 OK", {**rss, "Content-Length": str(10 * 1024**3)})
            await writer.drain()
            await asyncio.sleep(3600)
        elif kind == "429-retry-after-3600":
            head("429 Too Many Requests", {"Retry-After": "3600", "Content-Length": "0"})
        elif kind == "503-always":
            head("503 Service Unavailable", {"Retry-After": "1", "Content-Length": "0"})
        elif kind == "redirect-loop":
            head("302 Found", {"Location": path, "Content-Length": "0"})
        elif kind == "redirect-chain":
            step = int(path.rsplit("/", 1)[-1]) + 1 if path.rsplit("/", 1)[-1].isdigit() else 1
            head("302 Found", {"Location": f"/redirect-chain/{step}", "Content-Length": "0"})
        elif kind == "malformed-xml":
            body = b"<?xml version='1.0'?><rss><channel><item><title>unclosed &bogus; <<<"
            head("200 OK", {**rss, "Content-Length": str(len(body))})
            writer.write(body)
        elif kind == "never-answers":
            await asyncio.sleep(3600)
        elif kind == "500":
            head("500 Internal Server Error", {"Content-Length": "0"})
        elif kind == "html-page":
            body = b"<html><head><title>Not a feed</title></head><body>Hello</body></html>"
            head("200 OK", {"Content-Type": "text/html", "Content-Length": str(len(body))})
            writer.write(body)
        await writer.drain()

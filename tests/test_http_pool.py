"""The clients' connection pool: kept-alive connections are reused, over plain TCP and TLS, and a
connection the server closed while idle is replaced, not used (loopback servers)."""

from __future__ import annotations

import asyncio
import datetime
import ipaddress
import socket
import ssl
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpcore
import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from bot.adapters.http_pool import Readable, pooled_client

LIMITS = httpx.Limits(max_connections=4, max_keepalive_connections=4)


def test_readable_tells_data_and_a_closed_peer_from_an_idle_socket() -> None:
    a, b = socket.socketpair()
    with a, b:
        readable = Readable(a)
        assert not readable()
        b.sendall(b"x")
        assert readable()
        a.recv(1)
        assert not readable()
        b.close()
        assert readable()  # end of stream: the connection is gone
    assert readable()  # closed here too
    assert Readable(None)()


class Server:
    """An HTTP/1.1 server that keeps connections open (or closes each after ``close_after``
    responses without saying so, as a server's idle timeout does)."""

    def __init__(self, close_after: int | None = None) -> None:
        self.connections = 0
        self.close_after = close_after
        self.closed = asyncio.Queue[None]()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        served = 0
        try:
            while await reader.readuntil(b"\r\n\r\n"):
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
                await writer.drain()
                served += 1
                if self.close_after is not None and served >= self.close_after:
                    break
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        writer.close()
        await writer.wait_closed()
        self.closed.put_nowait(None)


@asynccontextmanager
async def serving(server: Server, tls: ssl.SSLContext | None = None) -> AsyncIterator[int]:
    listener = await asyncio.start_server(server.handle, "127.0.0.1", 0, ssl=tls)
    async with listener:
        yield listener.sockets[0].getsockname()[1]


async def test_kept_alive_connections_are_reused() -> None:
    server = Server()
    async with serving(server) as port:
        client = pooled_client(httpcore.AnyIOBackend(), ssl.create_default_context(), LIMITS)
        async with client:
            for _ in range(3):
                assert (await client.get(f"http://127.0.0.1:{port}/")).text == "ok"
    assert server.connections == 1


async def test_a_connection_the_server_closed_while_idle_is_replaced() -> None:
    server = Server(close_after=1)
    async with serving(server) as port:
        client = pooled_client(httpcore.AnyIOBackend(), ssl.create_default_context(), LIMITS)
        async with client:
            for _ in range(3):
                assert (await client.get(f"http://127.0.0.1:{port}/")).text == "ok"
                await server.closed.get()  # the server closed it before the next request
    assert server.connections == 3


def _certificate(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(key, hashes.SHA256())
    )
    cert_path, key_path = folder / "cert.pem", folder / "key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return cert_path, key_path


async def test_tls_connections_are_verified_and_reused(tmp_path: Path) -> None:
    cert, key = _certificate(tmp_path)
    server_tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_tls.load_cert_chain(cert, key)
    client_tls = ssl.create_default_context(cafile=str(cert))
    server = Server()
    async with serving(server, server_tls) as port:
        client = pooled_client(httpcore.AnyIOBackend(), client_tls, LIMITS)
        async with client:
            for _ in range(3):
                assert (await client.get(f"https://127.0.0.1:{port}/")).text == "ok"
        untrusting = pooled_client(httpcore.AnyIOBackend(), ssl.create_default_context(), LIMITS)
        async with untrusting:
            with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
                await untrusting.get(f"https://127.0.0.1:{port}/")
    assert server.connections == 1  # the three requests; the refused handshake never got in

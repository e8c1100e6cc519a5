"""Refusing URLs that lead into private networks (SSRF protection for user-supplied URLs).

Loopback, private, link-local (including cloud metadata at 169.254.169.254), carrier-grade NAT,
multicast, reserved and unspecified addresses are refused after DNS resolution, and again for every
redirect hop. An allowlist of networks or host names (for intranets and tests) lifts the refusal.

``guarded_client`` builds an ``httpx.AsyncClient`` whose every TCP connection (so every redirect
hop) goes through the guard and then to the very address that was checked: a name is resolved
once, the addresses are checked, and the socket is opened to a checked address, so a DNS answer
that changes between the check and the connection (rebinding) cannot lead anywhere else.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from typing import Any
from urllib.parse import urlsplit

import httpcore
import httpx

from bot.errors import BlockedAddressError, FetchError

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_CGNAT = ipaddress.ip_network("100.64.0.0/10")


def address_class(ip: IPAddress) -> str | None:
    """Why ``ip`` is refused ("loopback", "private", …), or None when it is a public address."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return address_class(ip.ipv4_mapped)
    checks = (
        ("loopback", ip.is_loopback),
        ("link-local or cloud metadata", ip.is_link_local),
        ("carrier-grade NAT", ip in _CGNAT),
        ("multicast", ip.is_multicast),
        ("unspecified", ip.is_unspecified),
        ("private", ip.is_private),
        ("reserved", ip.is_reserved),
        ("non-public", not ip.is_global),
    )
    return next((name for name, hit in checks if hit), None)


class AddressGuard:
    def __init__(self, allow: Iterable[str] = ()) -> None:
        self._networks: list[IPNetwork] = []
        self._hosts: set[str] = set()
        for entry in allow:
            entry = entry.strip().lower()
            if not entry:
                continue
            try:
                self._networks.append(ipaddress.ip_network(entry, strict=False))
            except ValueError:
                self._hosts.add(entry)

    async def check(self, url: str) -> None:
        """Raise ``BlockedAddressError`` unless every address ``url``'s host resolves to is public
        (or allowlisted). Raises ``FetchError`` when the URL is malformed or the host unknown."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            raise BlockedAddressError(url, "only http and https URLs can be fetched")
        host = (parts.hostname or "").lower()
        if not host:
            raise FetchError(url, "the URL has no host")
        if host in self._hosts:
            return
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
        except ValueError as exc:
            raise FetchError(url, "the URL has an invalid port") from exc
        await self.addresses(url, host, port)

    async def addresses(self, url: str, host: str, port: int) -> list[IPAddress] | None:
        """The checked addresses ``host`` resolves to (None for an allowlisted host name, which
        is connected to by name); raises ``BlockedAddressError`` when any is refused."""
        host = host.strip("[]").lower()
        if host in self._hosts:
            return None
        ips = await self._resolve(url, host, port)
        for ip in ips:
            if any(_unmapped(ip) in net or ip in net for net in self._networks):
                continue
            reason = address_class(ip)
            if reason:
                raise BlockedAddressError(
                    url,
                    f"{host} resolves to a {reason} address ({ip}), which the bot may not reach",
                )
        return ips

    @staticmethod
    async def _resolve(url: str, host: str, port: int) -> list[IPAddress]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            pass
        try:
            infos = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except OSError as exc:
            raise FetchError(url, f"cannot resolve {host}") from exc
        return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in infos]


def _unmapped(ip: IPAddress) -> IPAddress:
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        return ip.ipv4_mapped
    return ip


class GuardedBackend(httpcore.AsyncNetworkBackend):
    """A network backend that checks every address before connecting and connects only to an
    address it checked (the connection is pinned; TLS still verifies the URL's host name)."""

    def __init__(self, guard: AddressGuard) -> None:
        self._guard = guard
        self._backend = httpcore.AnyIOBackend()

    async def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,  # noqa: ASYNC109 -- httpcore's interface
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        where = f"{host}:{port}"
        ips = await self._guard.addresses(where, host, port)
        targets = [host] if ips is None else [str(_unmapped(ip)) for ip in ips]
        error: Exception | None = None
        for target in dict.fromkeys(targets):
            try:
                return await self._backend.connect_tcp(
                    target,
                    port,
                    timeout=timeout,
                    local_address=local_address,
                    socket_options=socket_options,
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
        assert error is not None
        raise error

    async def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,  # noqa: ASYNC109 -- httpcore's interface
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.AsyncNetworkStream:
        raise BlockedAddressError(path, "Unix sockets are never reached")

    async def sleep(self, seconds: float) -> None:
        await self._backend.sleep(seconds)


def guarded_client(guard: AddressGuard, **kwargs: Any) -> httpx.AsyncClient:
    """An HTTP client that reaches only addresses ``guard`` allows, on every hop.

    It ignores proxy settings from the environment (a proxy would connect on our behalf)."""
    from bot.adapters.http_pool import pooled_client
    from bot.adapters.tls import shared_ssl_context

    limits = httpx.Limits(max_connections=20, max_keepalive_connections=10)
    return pooled_client(
        GuardedBackend(guard), shared_ssl_context(), limits, trust_env=False, **kwargs
    )

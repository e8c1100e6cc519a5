"""Refusing URLs that lead into private networks (SSRF protection for user-supplied URLs).

Loopback, private, link-local (including cloud metadata at 169.254.169.254), carrier-grade NAT,
multicast, reserved and unspecified addresses are refused after DNS resolution, and again for every
redirect hop. An allowlist of networks or host names (for intranets and tests) lifts the refusal.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Iterable
from urllib.parse import urlsplit

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
        for ip in await self._resolve(url, host, port):
            if any(ip in net for net in self._networks):
                continue
            reason = address_class(ip)
            if reason:
                raise BlockedAddressError(
                    url,
                    f"{host} resolves to a {reason} address ({ip}), which the bot may not reach",
                )

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

"""The pinned, guarded HTTP client, and secrets kept out of what the bot shows."""

from __future__ import annotations

import ipaddress

import pytest

from bot.adapters.net_guard import AddressGuard, IPAddress, guarded_client
from bot.adapters.sql.base import redact_url
from bot.domain.config import Destination
from bot.errors import BlockedAddressError
from tests.support.feeds import rss, rss_item
from tests.support.servers import FeedServer

WEBHOOK = "https://prod-01.westeurope.logic.azure.com/workflows/abc/triggers/manual/paths/invoke?api-version=2016-06-01&sig=S3CRETsig"


class FixedDns(AddressGuard):
    """A guard whose name resolution answers from a table (the OS cannot resolve these names)."""

    def __init__(self, table: dict[str, str], allow: list[str]) -> None:
        super().__init__(allow)
        self._table = table

    async def _resolve(self, url: str, host: str, port: int) -> list[IPAddress]:  # type: ignore[override]
        return [ipaddress.ip_address(self._table.get(host, host))]


async def test_the_connection_goes_to_the_address_that_was_checked(feeds: FeedServer) -> None:
    url = feeds.set("/feed", rss([rss_item("a", "Title", "Body")]))
    port = url.rsplit(":", 1)[1].split("/")[0]
    guard = FixedDns({"feeds.test": "127.0.0.1"}, allow=["127.0.0.0/8"])
    async with guarded_client(guard, timeout=5) as client:
        response = await client.get(f"http://feeds.test:{port}/feed")
    assert response.status_code == 200  # "feeds.test" was reached through its checked address
    assert feeds.requests[-1][1]["host"] == f"feeds.test:{port}"


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "::ffff:127.0.0.1", "169.254.169.254"])
async def test_a_name_resolving_to_a_private_address_is_never_connected(
    feeds: FeedServer, address: str
) -> None:
    url = feeds.set("/feed", "x")
    port = url.rsplit(":", 1)[1].split("/")[0]
    guard = FixedDns({"rebind.test": address}, allow=[])
    async with guarded_client(guard, timeout=5) as client:
        with pytest.raises(BlockedAddressError):
            await client.get(f"http://rebind.test:{port}/feed")
    assert feeds.hits("/feed") == 0


def test_a_teams_destination_shows_only_its_host_and_a_fingerprint() -> None:
    destination = Destination.parse(f"teams:{WEBHOOK}")
    shown = str(destination)
    assert "S3CRET" not in shown
    assert "sig=" not in shown
    assert shown.startswith("teams:prod-01.westeurope.logic.azure.com#")
    other = Destination.parse(f"teams:{WEBHOOK.replace('abc', 'abd')}")
    assert str(other) != shown  # two webhooks on one host stay apart
    assert destination.key == f"teams:{WEBHOOK}"  # the full form is kept for storage
    assert Destination.parse(destination.key) == destination


@pytest.mark.parametrize(
    ("url", "shown"),
    [
        ("postgresql+psycopg://bot:pa55@db/signal", "postgresql+psycopg://bot:***@db/signal"),
        ("postgresql+psycopg://:pa55@db/signal", "postgresql+psycopg://:***@db/signal"),
        ("sqlite+aiosqlite:///data/x.db", "sqlite+aiosqlite:///data/x.db"),
    ],
)
def test_database_urls_are_shown_without_their_password(url: str, shown: str) -> None:
    assert redact_url(url) == shown

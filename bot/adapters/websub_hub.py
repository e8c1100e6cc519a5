"""Subscription requests to WebSub hubs over httpx (form-encoded POST, 202 Accepted)."""

from __future__ import annotations

import httpx

from bot.errors import FetchError, HTTPStatusError


class HttpHubClient:
    """Implements ``bot.ports.HubClient``."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self._client = client

    async def request(self, hub: str, form: dict[str, str]) -> None:
        try:
            response = await self._client.post(hub, data=form)
        except httpx.HTTPError as exc:
            raise FetchError(hub, exc.__class__.__name__) from exc
        if not response.is_success:
            raise HTTPStatusError(hub, response.status_code)

"""Fixtures for the Teams tests: the official Adaptive Card 1.4 schema and loopback stand-ins."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from jsonschema import Draft6Validator

from tests.teams.support import (
    SCHEMA_PATH,
    ConnectorStandIn,
    Pages,
    WebhookStandIn,
    serve,
)

CardCheck = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="session")
def card_validator() -> Draft6Validator:
    if not SCHEMA_PATH.is_file():
        pytest.skip(f"the shared Adaptive Card schema is not at {SCHEMA_PATH}")
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft6Validator.check_schema(schema)
    return Draft6Validator(schema)


@pytest.fixture
def assert_valid_card(card_validator: Draft6Validator) -> CardCheck:
    """Checks one Adaptive Card against the official 1.4 schema (and its version)."""

    def check(card: dict[str, Any]) -> None:
        errors = sorted(card_validator.iter_errors(card), key=lambda e: list(e.absolute_path))
        assert not errors, "\n".join(
            f"{list(e.absolute_path)}: {e.message[:300]}" for e in errors[:5]
        )
        assert card["type"] == "AdaptiveCard"
        assert card["version"] == "1.4"

    return check


@pytest.fixture
async def webhook() -> AsyncIterator[WebhookStandIn]:
    standin = WebhookStandIn()
    async with serve(standin.handle) as base:
        standin.base = base
        yield standin


@pytest.fixture
async def connector() -> AsyncIterator[ConnectorStandIn]:
    standin = ConnectorStandIn()
    async with serve(standin.handle) as base:
        standin.base = base
        yield standin


@pytest.fixture
async def pages() -> AsyncIterator[Pages]:
    standin = Pages()
    async with serve(standin.handle, method="GET") as base:
        standin.base = base
        try:
            yield standin
        finally:
            standin.release.set()  # let held requests finish before the server stops

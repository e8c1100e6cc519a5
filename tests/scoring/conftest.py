"""Shared fixtures for the scoring tests."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain.models import Article, Assessment
from bot.domain.scoring import RuleScorer

PUBLISHED = datetime(2025, 6, 10, 9, 30, tzinfo=UTC)


@pytest.fixture(scope="session")
def scorer() -> RuleScorer:
    return RuleScorer()


@pytest.fixture(scope="session")
def score(scorer: RuleScorer):  # type: ignore[no-untyped-def]
    def _score(text: str, title: str = "", published: datetime | None = PUBLISHED) -> Assessment:
        return scorer.score(Article(title=title, text=text, published=published))

    return _score


@pytest.fixture(scope="session")
def read(scorer: RuleScorer):  # type: ignore[no-untyped-def]
    """Like ``score``, with ``label`` and ``escalation`` taken from the direction reading, which is
    kept whether or not the item is in scope (the direction tests measure the reading)."""

    def _read(text: str, title: str = "", published: datetime | None = PUBLISHED) -> Assessment:
        a = scorer.score(Article(title=title, text=text, published=published))
        if a.reading is None:
            return a
        return a.model_copy(update={"label": a.reading.label, "escalation": a.reading.escalation})

    return _read

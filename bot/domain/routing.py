"""Which routes take an assessed item. Pure: decided from the item, its assessment and the rules."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.config import Route
from bot.domain.models import Assessment, Item


def route_matches(route: Route, item: Item, assessment: Assessment) -> bool:
    """True when ``route`` wants this item. Irrelevant items never match."""
    if not assessment.relevant:
        return False
    if route.feeds and item.feed not in route.feeds:
        return False
    if route.topics and not set(route.topics) & set(assessment.topics):
        return False
    if route.actors and not set(route.actors) & {a.upper() for a in assessment.actors}:
        return False
    if route.labels and assessment.label not in route.labels:
        return False
    if abs(assessment.escalation) < route.min_escalation:
        return False
    return not (route.clarity and assessment.clarity_band not in route.clarity)


def matching_routes(routes: Iterable[Route], item: Item, assessment: Assessment) -> list[Route]:
    """The routes that take the item, one per destination (the first rule for a destination wins)."""
    chosen: dict[str, Route] = {}
    for route in routes:
        if route_matches(route, item, assessment):
            chosen.setdefault(route.to.key, route)
    return list(chosen.values())

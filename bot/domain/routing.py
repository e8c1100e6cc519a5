"""Which routes take an assessed item. Pure: decided from the item, its assessment and the rules."""

from __future__ import annotations

from collections.abc import Iterable

from bot.domain.config import Route
from bot.domain.keywords import text_matches
from bot.domain.models import Assessment, Item


def route_matches(route: Route, item: Item, assessment: Assessment) -> bool:
    """True when ``route`` wants this item. Irrelevant items match only routes with
    ``relevant_only`` off."""
    if route.relevant_only and not assessment.relevant:
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
    if route.clarity and assessment.clarity_band not in route.clarity:
        return False
    return route.match is None or text_matches(route.match, item.title, item.summary)


def matching_routes(routes: Iterable[Route], item: Item, assessment: Assessment) -> list[Route]:
    """The routes that take the item, one per destination (the first rule for a destination wins)."""
    chosen: dict[str, Route] = {}
    for route in routes:
        if route_matches(route, item, assessment):
            chosen.setdefault(route.to.key, route)
    return list(chosen.values())

"""The names a route may filter on (topic slugs, actor codes), and "did you mean" suggestions for
names that are not among them."""

from __future__ import annotations

from collections.abc import Iterable
from difflib import get_close_matches
from functools import cache

from bot.domain.scoring.lexicon import load


@cache
def topic_names() -> tuple[str, ...]:
    """Every topic the scorer can assign (``tariffs``, ``export-controls`` …)."""
    return tuple(load("topics.toml")["topics"])


@cache
def actor_codes() -> tuple[str, ...]:
    """Every actor code the scorer can name (``US``, ``CN``, ``EU``, ``WTO`` …)."""
    return tuple(load("actors.toml")["actors"])


def unknown_name(kind: str, value: str, known: Iterable[str]) -> str:
    """``unknown topic 'tarifs' — did you mean tariffs?``, or the valid names when none is close."""
    choices = sorted(known)
    close = get_close_matches(value, choices, n=3, cutoff=0.6)
    if not close:
        close = get_close_matches(value.lower(), [c.lower() for c in choices], n=3, cutoff=0.6)
        close = [c for c in choices if c.lower() in close]
    if close:
        return f"unknown {kind} {value!r} — did you mean {' or '.join(close)}?"
    if not choices:
        return f"unknown {kind} {value!r}"
    return f"unknown {kind} {value!r} — use one of: {', '.join(choices)}"


def check_names(kind: str, values: Iterable[str], known: Iterable[str]) -> None:
    """Raise ValueError naming every value not in ``known`` (with suggestions)."""
    valid = set(known)
    problems = [unknown_name(kind, v, valid) for v in values if v not in valid]
    if problems:
        raise ValueError("; ".join(problems))

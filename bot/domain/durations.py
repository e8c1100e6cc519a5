"""Durations as people write them in config files and commands, and as the bot stores them.

Accepted: a number of seconds (``900``, ``"900"``), a number with a unit (``"90s"``, ``"15m"``,
``"2h"``, ``"1d"``) or ISO 8601 (``"PT2H"``, ``"P1D"``, ``"P1DT30M"``, ``"P2W"``; ``"P1Y"`` and
``"P1M"`` are 365 and 30 days, as pydantic writes them). Stored (JSON)
as a number of seconds, which every form above reads back.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Annotated

from pydantic import BeforeValidator, PlainSerializer

_NUMBER = r"\d+(?:\.\d+)?"
_DURATION = re.compile(rf"^\s*({_NUMBER})\s*([smhd]?)\s*$", re.IGNORECASE)
_UNITS = {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}
_ISO = re.compile(
    rf"^\s*P(?:(?P<y>{_NUMBER})Y)?(?:(?P<mo>{_NUMBER})M)?(?:(?P<w>{_NUMBER})W)?(?:(?P<d>{_NUMBER})D)?"
    rf"(?:T(?=\d)(?:(?P<h>{_NUMBER})H)?(?:(?P<m>{_NUMBER})M)?(?:(?P<s>{_NUMBER})S)?)?\s*$",
    re.IGNORECASE,
)
# A year of 365 days and a month of 30, as pydantic reads and writes them.
_ISO_UNITS = {
    "y": 365 * 86400,
    "mo": 30 * 86400,
    "w": 604800,
    "d": 86400,
    "h": 3600,
    "m": 60,
    "s": 1,
}
_HINT = "a duration such as 90s, 15m, 2h, 1d, 900 (seconds) or PT2H"


def _iso(text: str) -> timedelta | None:
    match = _ISO.match(text)
    if not match or not any(match.groupdict().values()):
        return None
    return _seconds(sum(float(v) * _ISO_UNITS[k] for k, v in match.groupdict().items() if v))


def _seconds(seconds: float) -> timedelta:
    try:
        return timedelta(seconds=seconds)
    except OverflowError:
        raise ValueError(f"duration too long: {seconds:g} seconds") from None


def parse_duration(value: object) -> timedelta:
    """A duration from any accepted form (see the module doc), or a ``timedelta`` as it is.
    Negative durations are refused."""
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise ValueError(f"expected {_HINT}, not a negative duration")
        return value
    if isinstance(value, bool):
        raise ValueError(f"expected {_HINT}")
    if isinstance(value, int | float):
        if value < 0 or value != value:
            raise ValueError(f"expected {_HINT}, got {value!r}")
        return _seconds(float(value))
    if isinstance(value, str):
        if match := _DURATION.match(value):
            return _seconds(float(match.group(1)) * _UNITS[match.group(2).lower()])
        if (iso := _iso(value)) is not None:
            return iso
    raise ValueError(f"expected {_HINT}, got {value!r}")


def duration_seconds(value: timedelta) -> int | float:
    """The stored form: whole seconds as an integer, else a float."""
    seconds = value.total_seconds()
    return int(seconds) if seconds.is_integer() else seconds


Duration = Annotated[
    timedelta,
    BeforeValidator(parse_duration),
    PlainSerializer(duration_seconds, return_type=int | float, when_used="json"),
]

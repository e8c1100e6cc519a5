"""Time windows of routes: quiet hours and digest schedules, in the route's own time zone."""

from __future__ import annotations

import re
from datetime import UTC, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, BeforeValidator, ConfigDict, PlainSerializer, field_validator

from bot.domain.durations import Duration

_HHMM = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)(?::00)?$")


def _parse_time(value: object) -> time:
    if isinstance(value, time):
        return value
    match = _HHMM.match(str(value).strip())
    if not match:
        raise ValueError(f"expected a time of day such as 07:30, got {value!r}")
    return time(int(match.group(1)), int(match.group(2)))


LocalTime = Annotated[
    time,
    BeforeValidator(_parse_time),
    PlainSerializer(lambda value: f"{value:%H:%M}", return_type=str, when_used="json"),
]
"""A time of day written ``07:30`` (and stored so)."""


def _check_tz(value: str) -> str:
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"unknown time zone {value!r} (use an IANA name such as Europe/London)"
        ) from None
    return value


class QuietHours(BaseModel):
    """Hold a route's alerts between ``start`` and ``end`` (local time); deliver them folded after."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    start: LocalTime
    end: LocalTime
    tz: str = "UTC"

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _check_tz(value)

    def until(self, now: datetime) -> datetime | None:
        """When the quiet window that contains ``now`` ends (UTC), or None outside quiet hours."""
        zone = ZoneInfo(self.tz)
        local = now.astimezone(zone)
        start = datetime.combine(local.date(), self.start, zone)
        end = datetime.combine(local.date(), self.end, zone)
        if self.start <= self.end:
            inside = start <= local < end
        else:  # the window spans midnight
            inside = local >= start or local < end
            if local >= start:
                end += timedelta(days=1)
        return end.astimezone(UTC) if inside else None


class DigestSchedule(BaseModel):
    """Send a digest of the route's items every day at ``at`` local time, covering ``period``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    at: LocalTime
    tz: str = "UTC"
    period: Duration = timedelta(hours=24)

    @field_validator("tz")
    @classmethod
    def _zone(cls, value: str) -> str:
        return _check_tz(value)

    def latest_due(self, now: datetime) -> datetime:
        """The most recent scheduled time at or before ``now`` (UTC)."""
        zone = ZoneInfo(self.tz)
        local = now.astimezone(zone)
        today = datetime.combine(local.date(), self.at, zone)
        due = (
            today
            if today <= local
            else datetime.combine(local.date() - timedelta(days=1), self.at, zone)
        )
        return due.astimezone(UTC)

"""Is a feed healthy? Pure decisions from its poll state, what was last announced and ``now``.

A feed is *failing* after ``failures`` failed polls in a row, and *silent* when it has not changed
for ``silence`` times its usual gap between changes (learned as it runs, and never less than
``min_silence``). Only a change of status is announced: once when it goes wrong, once when it
recovers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from bot.domain.config import Ops
from bot.domain.schedule import FeedState

Status = Literal["ok", "failing", "silent"]
RHYTHM_WEIGHT = 0.3  # weight of the newest gap in the running average
MIN_CHANGES = 3  # gaps seen before a rhythm is trusted


class HealthRecord(BaseModel):
    """What is remembered about a feed's health between cycles (and restarts)."""

    model_config = ConfigDict(frozen=True)

    feed: str
    notified: Status = "ok"
    last_change: datetime | None = None
    gap_s: float | None = None
    changes: int = 0
    announced: int = 0  # changes of status announced so far (numbers their notices)


def observe(record: HealthRecord, state: FeedState) -> HealthRecord:
    """Learn the feed's rhythm from a change seen since the last look."""
    changed = state.last_changed_at
    if changed is None or changed == record.last_change:
        return record
    if record.last_change is None or changed < record.last_change:
        return record.model_copy(update={"last_change": changed})
    gap = (changed - record.last_change).total_seconds()
    average = (
        gap if record.gap_s is None else (1 - RHYTHM_WEIGHT) * record.gap_s + RHYTHM_WEIGHT * gap
    )
    return record.model_copy(
        update={"last_change": changed, "gap_s": average, "changes": record.changes + 1}
    )


def status(record: HealthRecord, state: FeedState, ops: Ops, now: datetime) -> Status:
    if state.error_count >= ops.failures:
        return "failing"
    if state.error_count == 0 and silent_for(record, ops, now) is not None:
        return "silent"
    return "ok"


def silent_for(record: HealthRecord, ops: Ops, now: datetime) -> float | None:
    """Seconds without a change when that is far beyond the feed's rhythm (else None)."""
    if record.gap_s is None or record.last_change is None or record.changes < MIN_CHANGES:
        return None
    quiet = (now - record.last_change).total_seconds()
    limit = max(ops.silence * record.gap_s, ops.min_silence.total_seconds())
    return quiet if quiet > limit else None


def _span(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours:.0f} h" if hours >= 2 else f"{seconds / 60:.0f} min"


def notice_text(
    feed: str, new: Status, old: Status, record: HealthRecord, state: FeedState, now: datetime
) -> tuple[str, str]:
    """(title, detail) of the notice for a change of status."""
    if new == "failing":
        return (
            f"Feed {feed} is failing: {state.error_count} polls in a row",
            f"Last error: {state.last_error or 'unknown'}",
        )
    if new == "silent":
        quiet = (now - record.last_change).total_seconds() if record.last_change else 0.0
        usual = _span(record.gap_s or 0.0)
        return (
            f"Feed {feed} has been silent for {_span(quiet)}",
            f"It usually changes every {usual}; it answers, but nothing new has come.",
        )
    if old == "failing":
        return (f"Feed {feed} has recovered", "It was failing; its last poll went through.")
    return (f"Feed {feed} has recovered", "It was silent; it has changed again.")

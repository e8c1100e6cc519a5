"""The escalation index behind the digest chart: which way each topic moved over the period.

A digest covers a period (a day, a week). For each topic it shows one line: the mean escalation
score (−10 de-escalation … +10 escalation, see SCORING.md) of the items on that topic in each time
bucket. Only the busiest topics get a line, so the chart stays readable on a phone.

Empty buckets are skipped, not filled with zero: a quiet day is not a de-escalation, and a line
that dropped to zero whenever nothing was published would tell the reader the wrong story. A
topic's series therefore lists only the buckets that had items, and the chart joins the points
either side of a gap.

Pure: no I/O and no clock reads; the caller passes the period.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime, timedelta

Series = dict[str, list[tuple[datetime, float]]]
"""Topic → [(bucket start, mean escalation)], oldest first, only buckets that had items."""

ESCALATION_MIN = -10.0
ESCALATION_MAX = 10.0


def escalation_index(
    points: Sequence[tuple[datetime, Sequence[str], float]],
    *,
    start: datetime,
    end: datetime,
    bucket: timedelta,
    top_topics: int = 5,
) -> Series:
    """The mean escalation per topic per bucket, for the ``top_topics`` topics with most items.

    ``points`` are (published-or-seen time, topics, escalation score) for each item. Buckets are
    ``[start + k·bucket, start + (k+1)·bucket)`` for every k that starts before ``end``; points
    outside ``[start, end)`` are ignored, as are points without topics. An item on several topics
    counts once for each (a topic listed twice on one item counts once). Scores are clamped to
    −10…+10. Topics are ranked by number of items in the period, ties broken by name; the result
    keeps that order. Each series holds (bucket start, mean) for the buckets with items only.
    """
    if bucket <= timedelta(0):
        raise ValueError("bucket must be a positive duration")
    if end <= start:
        raise ValueError("end must be after start")
    if top_topics <= 0:
        return {}

    counts: Counter[str] = Counter()
    sums: dict[str, dict[int, list[float]]] = defaultdict(lambda: defaultdict(list))
    for when, topics, score in points:
        if not start <= when < end:
            continue
        index = (when - start) // bucket
        value = min(ESCALATION_MAX, max(ESCALATION_MIN, float(score)))
        for topic in dict.fromkeys(topics):
            if not topic:
                continue
            counts[topic] += 1
            sums[topic][index].append(value)

    ranked = sorted(counts, key=lambda topic: (-counts[topic], topic))[:top_topics]
    return {
        topic: [
            (start + index * bucket, sum(values) / len(values))
            for index, values in sorted(sums[topic].items())
        ]
        for topic in ranked
    }

"""The fast end of the fault suite (``python -m bench.faults delivery``): real ``signalbot run``
processes killed with SIGKILL during delivery to a slow Slack stand-in lose nothing and post
nothing twice, wherever the kill lands."""

from __future__ import annotations

import random

from bench.faults.delivery import kill_sqlite


def test_sigkill_during_delivery_loses_nothing_and_posts_nothing_twice() -> None:
    figures = kill_sqlite(kills=2, alerts=6, post_delay=0.4, rng=random.Random(3))  # noqa: S311 -- kill points
    assert figures.faults >= 1, figures.line()
    assert (figures.lost, figures.duplicated) == (0, 0), figures.line()

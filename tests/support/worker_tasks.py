"""Worker-pool tasks for tests, in a module that imports nothing of the bot: a worker that runs
one imports only this besides what the pool itself loads."""

from __future__ import annotations

import sys
from typing import Any

MARK: str | None = None
"""Set by a calling process before it starts a pool: forked workers have it, spawned ones not."""


def modules_of_worker(scorer: Any, names: list[str]) -> dict[str, bool]:
    """Which of ``names`` the worker has imported."""
    del scorer
    return {name: name in sys.modules for name in names}


def mark_of_worker(scorer: Any) -> str | None:
    """``MARK`` as the worker sees it."""
    del scorer
    return MARK

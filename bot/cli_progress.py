"""Progress for slow commands: a spinner with a message on standard error while the work runs,
when standard error is a terminal; nothing at all when it is piped or redirected (cron, scripts).
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager

Update = Callable[[str], None]


def _ignore(message: str) -> None:
    del message


@contextmanager
def progress(message: str) -> Iterator[Update]:
    """Show ``message`` while the block runs; the block may call the yielded function to replace
    the message (``"scored 120 lines"``). The spinner disappears when the block ends; log lines
    written meanwhile appear above it."""
    terminal = sys.stderr
    if not terminal.isatty():  # piped or redirected, whatever FORCE_COLOR says
        yield _ignore
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status(message) as status:
        # The status redirects sys.stderr so that what is written goes above the spinner; log
        # handlers hold the original stream and are pointed at the redirected one meanwhile.
        handlers = [
            h
            for h in logging.getLogger().handlers
            if isinstance(h, logging.StreamHandler) and h.stream is terminal
        ]
        for handler in handlers:
            handler.setStream(sys.stderr)
        try:
            yield status.update
        finally:
            for handler in handlers:
                handler.setStream(terminal)

"""Logging set-up: readable lines on stderr, or one JSON object a line
(``SIGNALBOT_LOG_FORMAT=json``) with time, level, logger, message and, where the code knows them,
feed, route, item_key, platform and error.

Every line passes through a redactor first: the secret values from the environment, Slack tokens,
passwords in database URLs and webhook signatures never reach the output.
"""

from __future__ import annotations

import json
import logging
import re
import sys
from collections.abc import Iterable
from typing import TextIO

from bot.settings import Settings

NOISY = ("httpx", "httpcore", "slack_sdk", "aiosqlite", "asyncio", "aiohttp.access")
CONTEXT_FIELDS = ("feed", "route", "item_key", "platform", "error")
_PATTERNS = (
    re.compile(r"\bx(?:ox[abposre]|app)-[A-Za-z0-9-]{6,}"),  # Slack bot, user and app tokens
    re.compile(r"(?<=://)[^/\s:@]+:[^@\s/]+(?=@)"),  # user:password@ in URLs
    re.compile(r"(?<=[?&]sig=)[^&\s\"']+"),  # Teams / Power Automate webhook signatures
)
MASK = "***"
_HANDLER = "signalbot"


class Redactor:
    """Replaces known secret values and secret-shaped strings with ``***``."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = {s for s in secrets if s and len(s) >= 4}
        # JSON output escapes some characters: match the escaped form too
        values |= {json.dumps(s)[1:-1] for s in values}
        self._secrets = sorted(values, key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        for pattern in _PATTERNS:
            text = pattern.sub(MASK, text)
        return text


def secret_values(settings: Settings) -> list[str]:
    values = [
        getattr(settings, name).get_secret_value()
        for name in (
            "slack_bot_token",
            "slack_signing_secret",
            "slack_app_token",
            "database_url",
            "teams_outgoing_token",
            "teams_app_password",
        )
        if getattr(settings, name) is not None
    ]
    return [v for v in values if v]


class RedactingFormatter(logging.Formatter):
    def __init__(self, inner: logging.Formatter, redact: Redactor) -> None:
        super().__init__()
        self._inner = inner
        self._redact = redact

    def format(self, record: logging.LogRecord) -> str:
        return self._redact(self._inner.format(record))


def json_formatter() -> logging.Formatter:
    from pythonjsonlogger.json import JsonFormatter  # only when asked for

    return JsonFormatter(
        "%(asctime)s %(levelname)s %(name)s %(message)s",
        rename_fields={"asctime": "time", "levelname": "level", "name": "logger"},
        datefmt="%Y-%m-%dT%H:%M:%S%z",
        json_ensure_ascii=False,
    )


def configure_logging(settings: Settings, stream: TextIO | None = None) -> None:
    """Send the root logger's records to ``stream`` (stderr) in the configured format."""
    level = settings.log_level.upper()
    if level not in logging.getLevelNamesMapping():
        level = "INFO"
    if settings.log_format == "json":
        inner = json_formatter()
    else:
        inner = logging.Formatter("%(asctime)s %(levelname)-7s %(message)s", datefmt="%H:%M:%S")
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(RedactingFormatter(inner, Redactor(secret_values(settings))))
    handler.set_name(_HANDLER)
    root = logging.getLogger()
    for old in [h for h in root.handlers if h.get_name() == _HANDLER]:
        root.removeHandler(old)  # configured again (tests): replace ours, keep anyone else's
    root.addHandler(handler)
    root.setLevel(level)
    for noisy in NOISY:
        logging.getLogger(noisy).setLevel(logging.WARNING)

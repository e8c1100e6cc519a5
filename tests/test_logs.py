"""Structured logs (SIGNALBOT_LOG_FORMAT=json) and the redaction every log line passes through."""

from __future__ import annotations

import io
import json
import logging
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.logs import Redactor, configure_logging
from bot.settings import Settings
from tests.support.servers import FeedServer, SlackStandIn
from tests.test_cli import ROOT, signalbot

TOKEN = "xoxb-1111-2222-SECRETsecret"
SIGNING = "signing-secret-0123456789"


@pytest.fixture
def restore_logging() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_lines_carry_context_and_never_a_secret(restore_logging: None) -> None:
    settings = Settings(
        SLACK_BOT_TOKEN=SecretStr(TOKEN),
        SLACK_SIGNING_SECRET=SecretStr(SIGNING),
        SIGNALBOT_DATABASE_URL=SecretStr("postgresql+psycopg://bot:pg-pass-word@db/signalbot"),
        SIGNALBOT_LOG_FORMAT="json",
    )
    out = io.StringIO()
    configure_logging(settings, out)
    log = logging.getLogger("signalbot.test")
    log.warning(
        "posting with %s and %s failed",
        TOKEN,
        SIGNING,
        extra={"feed": "wire", "route": "desk", "item_key": "k1", "platform": "slack"},
    )
    log.error(
        "webhook https://x.example/workflows/1?api-version=1&sig=AbCdEf123 refused; "
        "db postgresql+psycopg://bot:pg-pass-word@db/signalbot; other token xapp-1-A0-999-abcdef",
        extra={"error": "DeliveryError"},
    )
    try:
        raise RuntimeError(f"boom {TOKEN}")
    except RuntimeError:
        log.exception("unexpected")
    text = out.getvalue()
    for secret in (TOKEN, SIGNING, "pg-pass-word", "AbCdEf123", "xapp-1-A0-999-abcdef"):
        assert secret not in text
    lines = [json.loads(line) for line in text.splitlines()]
    assert len(lines) == 3
    first, second, third = lines
    assert {"time", "level", "logger", "message"} <= first.keys()
    assert first["level"] == "WARNING"
    assert first["logger"] == "signalbot.test"
    assert first["message"] == "posting with *** and *** failed"
    assert (first["feed"], first["route"], first["item_key"], first["platform"]) == (
        "wire",
        "desk",
        "k1",
        "slack",
    )
    assert second["error"] == "DeliveryError"
    assert "sig=***" in second["message"]
    assert "exc_info" in third


def test_the_redactor_masks_known_values_and_token_shapes() -> None:
    redact = Redactor(["s3cr3t-value"])
    assert redact("a s3cr3t-value b") == "a *** b"
    assert redact("xoxb-123-456-abcdef and xoxp-9-8-7-zzzzzz") == "*** and ***"
    assert redact("https://u:p4ss@host/x") == "https://***@host/x"
    assert redact("nothing to hide") == "nothing to hide"


def test_poll_logs_json_lines_with_the_failing_feed(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    broken = feeds.base.replace("http://", "http://reader:feed-pass@") + "/gone"
    config = tmp_path / "signalbot.yaml"
    config.write_text(
        f"feeds:\n  - {{name: broken, url: '{broken}'}}\n"
        "routes:\n  - {name: desk, to: 'slack:C0DESK'}\n"
    )
    result = signalbot(
        tmp_path,
        "poll",
        "--config",
        str(config),
        SIGNALBOT_LOG_FORMAT="json",
        SLACK_BOT_TOKEN=TOKEN,
        SLACK_API_URL=slack.base,
    )
    assert result.returncode == 1  # every feed failed
    lines = [json.loads(line) for line in result.stderr.splitlines()]
    failure = next(line for line in lines if line.get("feed") == "broken")
    assert failure["level"] == "WARNING"
    assert failure["error"] == "HTTPStatusError"
    assert "HTTP 404" in failure["message"]
    assert "feed-pass" not in result.stderr
    assert TOKEN not in result.stderr


def test_commands_that_do_not_serve_never_import_the_metrics_or_json_libraries() -> None:
    code = (
        "import sys, bot.cli, bot.app; "
        "print(sorted(m for m in ('prometheus_client', 'pythonjsonlogger') if m in sys.modules))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert out.stdout.strip() == "[]"

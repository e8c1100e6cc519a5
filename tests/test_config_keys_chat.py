"""The ``chat`` keys of the config file take effect in the running bot: ``signalbot serve --config
FILE`` as a subprocess, signed Slack slash commands over loopback HTTP, a loopback Slack stand-in
that knows one user group."""

from __future__ import annotations

import hashlib
import hmac
import re
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import httpx
import pytest

from tests.support.servers import Recorder, SlackStandIn, _make_handler, recorder_server, serve
from tests.test_cli import env

SECRET = "chat-keys-secret"
CONFIG = """
chat:
  admins: [UADMIN]
  admin_groups: [SDESK]
  command: /sig
"""


class GroupSlack(SlackStandIn):
    """The Slack stand-in, where user group SDESK has one member, UMEMBER."""

    def handle(
        self, method: str, body: bytes, headers: dict[str, str]
    ) -> tuple[int, dict[str, str], bytes]:
        if method == "usergroups.users.list":
            users = ["UMEMBER"] if b"SDESK" in body else []
            payload = httpx.Response(200, json={"ok": True, "users": users}).content
            return 200, {"Content-Type": "application/json"}, payload
        return super().handle(method, body, headers)


@pytest.fixture
def group_slack() -> Iterator[GroupSlack]:
    server = GroupSlack()
    with serve(_make_handler(None, server)) as base:
        server.base = base + "/api/"
        yield server


@pytest.fixture
def responses() -> Iterator[Recorder]:
    with recorder_server() as server:
        yield server


@pytest.fixture
def served(tmp_path: Path, group_slack: GroupSlack) -> Iterator[str]:
    """``signalbot serve --config FILE --port 0``; yields its /slack/events URL."""
    config = tmp_path / "signalbot.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    extra = {
        "SLACK_BOT_TOKEN": "xoxb-test",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": group_slack.base,
    }
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "serve", "--config", str(config), "--port", "0"],
        cwd=tmp_path,
        env=env(tmp_path, **extra),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stderr is not None
            port = None
            for line in proc.stderr:
                if match := re.search(r"listening on http://127\.0\.0\.1:(\d+)", line):
                    port = int(match.group(1))
                    break
            assert port, "the server never reported its address"
            yield f"http://127.0.0.1:{port}/slack/events"
        finally:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.communicate(timeout=30)
            finally:
                proc.kill()


def slash(url: str, responses: Recorder, command: str, text: str, user: str) -> httpx.Response:
    body = urlencode(
        {
            "command": command,
            "text": text,
            "user_id": user,
            "channel_id": "C0DESK",
            "team_id": "T1",
            "response_url": responses.base + "/response",
            "trigger_id": "1.2.3",
        }
    )
    stamp = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), f"v0:{stamp}:{body}".encode(), hashlib.sha256).hexdigest()
    headers = {
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": f"v0={digest}",
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return httpx.post(url, content=body, headers=headers, timeout=10)


def test_admins_admin_groups_and_command_take_effect(
    tmp_path: Path, served: str, responses: Recorder
) -> None:
    answers = []
    for user, name in (("UADMIN", "by-admin"), ("UMEMBER", "by-member"), ("UREADER", "by-reader")):
        ack = slash(served, responses, "/sig", f"route add {name}", user)
        assert ack.status_code == 200
        answers.append(responses.wait_for(len(answers) + 1)[-1])
    assert "only this bot's admins" not in str(answers[0])
    assert "only this bot's admins" not in str(answers[1])
    assert "only this bot's admins" in str(answers[2])
    with sqlite3.connect(tmp_path / "data" / "signalbot.db") as db:
        names = {row[0] for row in db.execute("SELECT name FROM chat_routes")}
    assert names == {"by-admin", "by-member"}
    # the default command name is not this workspace's command
    other = slash(served, responses, "/signal", "route add by-default", "UADMIN")
    assert other.status_code != 200

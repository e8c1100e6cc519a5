"""`signalbot doctor` as a user runs it, against the Slack stand-in, loopback feeds and webhooks."""

from __future__ import annotations

import socket
from pathlib import Path

import yaml

from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer, SlackStandIn
from tests.test_cli import signalbot

TOKEN = "xoxb-doctor-test-token"


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(tmp_path: Path, feeds: dict[str, str], webhook: str) -> Path:
    path = tmp_path / "signalbot.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "feeds": [{"name": n, "url": u} for n, u in feeds.items()],
                "routes": [
                    {"name": "desk", "to": "slack:C0DESK"},
                    {"name": "teams-desk", "to": f"teams:{webhook}"},
                ],
                "ops": "slack:C0OPS",
            }
        )
    )
    return path


def slack_env(slack: SlackStandIn) -> dict[str, str]:
    return {"SLACK_BOT_TOKEN": TOKEN, "SLACK_API_URL": slack.base}


def test_doctor_names_every_seeded_fault_and_exits_1(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    wire = feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    webhook = f"http://127.0.0.1:{closed_port()}/workflows/abc?sig=webhook-signature"
    config = write_config(tmp_path, {"wire": wire, "broken": feeds.base + "/gone"}, webhook)
    slack.members = {"C0DESK": True, "C0OPS": False}
    slack.scopes.remove("files:write")
    seeded = signalbot(tmp_path, "poll", "--config", str(config), **slack_env(slack))
    assert seeded.returncode == 0, seeded.stderr

    result = signalbot(tmp_path, "doctor", "--config", str(config), **slack_env(slack))

    assert result.returncode == 1, result.stdout + result.stderr
    out = result.stdout
    assert "ERR slack: the token lacks scope(s) files:write" in out
    assert "ERR slack: ops → C0OPS: the bot is not a member" in out
    assert "/invite @signalbot" in out
    assert "ERR feeds: feed broken failed its last 1 poll(s): could not fetch" in out
    assert "ERR teams: route teams-desk: the webhook at 127.0.0.1 is unreachable" in out
    assert "ok  slack: route desk → C0DESK: the bot is a member" in out
    assert "ok  feed wire: last poll OK" in out
    assert out.count("    fix: ") == 4
    assert "4 problem(s) found" in result.stderr
    assert TOKEN not in out + result.stderr
    assert "webhook-signature" not in out + result.stderr


def test_doctor_names_an_unreachable_database(tmp_path: Path, slack: SlackStandIn) -> None:
    config = tmp_path / "signalbot.yaml"
    config.write_text("routes:\n  - {name: desk, to: 'slack:C0DESK'}\n")
    slack.members = {"C0DESK": True}
    result = signalbot(
        tmp_path,
        "doctor",
        "--config",
        str(config),
        SIGNALBOT_DATABASE_URL=f"postgresql+psycopg://bot:db-secret@127.0.0.1:{closed_port()}/bot",
        **slack_env(slack),
    )
    assert result.returncode == 1
    assert "ERR database: cannot reach postgresql+psycopg://bot:***@127.0.0.1:" in result.stdout
    assert "fix: check SIGNALBOT_DATABASE_URL" in result.stdout
    assert "db-secret" not in result.stdout + result.stderr


def test_doctor_exits_0_on_a_healthy_setup_without_posting_anything(
    tmp_path: Path, feeds: FeedServer, slack: SlackStandIn
) -> None:
    wire = feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    # a Workflows webhook answers a GET with an error status, which still shows it is there
    webhook = feeds.set("/workflows/abc", "", status=405, content_type="application/json")
    config = write_config(tmp_path, {"wire": wire}, webhook)
    slack.members = {"C0DESK": True, "C0OPS": True}
    seeded = signalbot(tmp_path, "poll", "--config", str(config), **slack_env(slack))
    assert seeded.returncode == 0, seeded.stderr
    posts_before = len(slack.posts())

    result = signalbot(tmp_path, "doctor", "--config", str(config), **slack_env(slack))

    assert result.returncode == 0, result.stdout
    assert "ERR" not in result.stdout
    assert "ok  database:" in result.stdout
    assert "migrations at head" in result.stdout
    assert "ok  scorer: " in result.stdout
    assert "ok  slack: every scope of the manifest is granted" in result.stdout
    assert "ok  teams: route teams-desk: the webhook at 127.0.0.1 is reachable" in result.stdout
    assert result.stdout.rstrip().endswith("no problems found")
    assert feeds.hits("/workflows/abc") == 1  # one GET; the feed server takes no POST
    assert len(slack.posts()) == posts_before


def test_doctor_names_config_problems_with_their_key_path(tmp_path: Path) -> None:
    config = tmp_path / "signalbot.yaml"
    config.write_text("routes:\n  - {name: desk, to: 'pager:C0DESK'}\nops: 'slack:'\n")
    result = signalbot(tmp_path, "doctor", "--config", str(config))
    assert result.returncode == 1
    assert "ERR config: " in result.stdout
    assert "routes[0].to" in result.stdout
    assert "unknown platform 'pager'" in result.stdout
    assert "ops" in result.stdout
    assert "fix: edit routes[0].to in " in result.stdout

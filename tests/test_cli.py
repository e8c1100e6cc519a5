"""The `signalbot` command as a user runs it."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from bot.cli import main
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer

ROOT = Path(__file__).resolve().parents[1]


def env(tmp_path: Path, **extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SIGNALBOT_"))}
    return {**base, "SIGNALBOT_DATA_DIR": str(tmp_path / "data"), **extra}


def signalbot(
    tmp_path: Path, *args: str, stdin: str | None = None, **extra: str
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env(tmp_path, **extra),
        timeout=120,
        check=False,
    )


def test_poll_once_on_embedded_defaults_shows_alerts_in_the_terminal(tmp_path: Path) -> None:
    result = signalbot(tmp_path, "poll", "--once")
    assert result.returncode == 0, result.stderr
    assert "embedded defaults" in result.stderr
    assert "polled 3 feed(s)" in result.stderr
    assert "clarity" in result.stdout
    assert "Missing for a commitment" in result.stdout
    assert (tmp_path / "data" / "signalbot.db").exists()
    again = signalbot(tmp_path, "poll", "--once")
    assert "0 alert(s) sent" in again.stderr
    assert "clarity" not in again.stdout


def test_run_stops_cleanly_on_sigterm(tmp_path: Path, feeds: FeedServer) -> None:
    url = feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    proc = subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--feed", url],
        cwd=tmp_path,
        env=env(tmp_path),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        while feeds.hits("/wire") == 0 and time.monotonic() < deadline:
            time.sleep(0.1)
        assert feeds.hits("/wire") == 1
        proc.send_signal(signal.SIGTERM)
        _, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert "stopped cleanly" in err
    with closing(sqlite3.connect(tmp_path / "data" / "signalbot.db")) as db:
        # SIGTERM released this process's claims: another one resumes at once
        assert db.execute("SELECT COUNT(*) FROM owners").fetchone() == (0,)
        assert db.execute(
            "SELECT COUNT(*) FROM feed_state WHERE lease_owner IS NOT NULL"
        ).fetchone() == (0,)


def test_run_serves_the_web_routes_while_it_polls(tmp_path: Path, feeds: FeedServer) -> None:
    url = feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    with subprocess.Popen(
        [sys.executable, "-m", "bot", "run", "--feed", url],
        cwd=tmp_path,
        env=env(tmp_path, SIGNALBOT_PORT="0"),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        try:
            assert proc.stderr is not None
            port = None
            for line in proc.stderr:  # the log says where it listens
                if match := re.search(r"listening on http://127\.0\.0\.1:(\d+)", line):
                    port = int(match.group(1))
                    break
            assert port, "the server never reported its address"
            health = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=10)
            proc.send_signal(signal.SIGTERM)
            proc.communicate(timeout=30)
        finally:
            proc.kill()
    assert health.json() == {"status": "ok"}
    assert proc.returncode == 0
    assert feeds.hits("/wire") >= 1


def test_analyze_text_from_stdin_as_json(tmp_path: Path) -> None:
    result = signalbot(tmp_path, "analyze", "-", "--json", stdin=f"{TARIFF_TITLE}\n{TARIFF_TEXT}\n")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["relevant"] is True
    assert data["label"] in {"escalation", "mixed"}
    assert -10 <= data["escalation"] <= 10
    assert data["clarity_band"] in {"signal", "conditional", "commitment"}
    assert data["reading"]["label"] == data["label"]
    assert data["relevance"] >= 0.5


def test_analyze_says_out_of_scope_instead_of_a_direction(tmp_path: Path) -> None:
    story = (
        "Acme Canada Ltd third quarter net profit up 12 pct\n"
        "Acme Canada Ltd said net profit rose to 40 mln dlrs and it raised its dividend.\n"
    )
    result = signalbot(tmp_path, "analyze", "-", stdin=story)
    assert result.returncode == 0, result.stderr
    assert "out of scope: no interstate or policy move: company results" in result.stdout
    assert "clarity" not in result.stdout.split("out of scope")[0]
    as_json = signalbot(tmp_path, "analyze", "-", "--json", stdin=story)
    data = json.loads(as_json.stdout)
    assert data["relevant"] is False
    assert data["label"] == "neutral"
    assert data["escalation"] == 0
    assert set(data["reading"]) == {"label", "escalation"}


def test_analyze_jsonl_keeps_ids_and_reports_bad_lines(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "a", "text": TARIFF_TEXT}),
        "not json",
        json.dumps({"id": 7, "text": "The weather was mild in the valley."}),
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(lines) + "\n")
    result = CliRunner().invoke(main, ["analyze", "--jsonl", str(source)])
    assert result.exit_code == 1
    out = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    assert [o["id"] for o in out] == ["a", None, 7]
    assert out[1]["error"].startswith("not valid JSON")
    assert "line 2: skipped: not valid JSON" in result.stderr
    fields = {
        "relevant",
        "label",
        "escalation",
        "clarity",
        "clarity_band",
        "hedged",
        "missing",
        "reversion_risk",
        "topics",
        "actors",
        "evidence",
        "summary",
    }
    assert fields <= set(out[0])
    assert out[2]["relevant"] is False


def test_analyze_url_fetches_the_page(tmp_path: Path, feeds: FeedServer) -> None:
    page = f"<html><head><title>{TARIFF_TITLE}</title></head><body><article><h1>{TARIFF_TITLE}</h1><p>{TARIFF_TEXT}</p></article></body></html>"
    url = feeds.set("/article", page, content_type="text/html")
    refused = signalbot(tmp_path, "analyze", url, "--json")
    assert refused.returncode == 1
    assert "loopback" in refused.stderr
    allowed = signalbot(tmp_path, "analyze", url, "--json", SIGNALBOT_FETCH_ALLOW="127.0.0.1")
    assert allowed.returncode == 0, allowed.stderr
    assert json.loads(allowed.stdout)["relevant"] is True


def test_check_config_prints_every_problem_and_exits_nonzero(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "feeds:\n  - {name: w, url: 'gopher://x'}\nroutes:\n  - {name: r, to: 'slack:C1', min_escalation: 99}\n"
    )
    result = CliRunner().invoke(
        main, ["check-config", "--config", str(bad)], env={"SLACK_BOT_TOKEN": ""}
    )
    assert result.exit_code == 1
    assert "feeds[0].url" in result.output
    assert "routes[0].min_escalation" in result.output
    good = tmp_path / "good.yaml"
    good.write_text(
        "feeds:\n  - {name: w, url: 'https://x.example.org/rss'}\nroutes:\n  - {name: r, to: console}\n"
    )
    ok = CliRunner().invoke(main, ["check-config", "--config", str(good)])
    assert ok.exit_code == 0
    assert "OK" in ok.output


def test_check_config_flags_slack_routes_without_a_token(tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("routes:\n  - {name: r, to: 'slack:C1'}\n")
    result = CliRunner().invoke(
        main, ["check-config", "--config", str(cfg)], env={"SLACK_BOT_TOKEN": ""}
    )
    assert result.exit_code == 1
    assert "routes[0].to: sends to Slack but SLACK_BOT_TOKEN is not set" in result.output


def test_feeds_add_list_remove(tmp_path: Path, feeds: FeedServer) -> None:
    url = feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)], title="Loopback Wire"))
    cfg = tmp_path / "c.yaml"
    cfg.write_text("feeds: []\nroutes:\n  - {name: r, to: console}\n")
    added = signalbot(tmp_path, "feeds", "add", url, "--name", "loop", "--config", str(cfg))
    assert added.returncode == 0, added.stderr
    assert "Loopback Wire · 1 item(s)" in added.stdout
    listed = signalbot(tmp_path, "feeds", "list", "--config", str(cfg))
    assert "loop" in listed.stdout
    assert url in listed.stdout
    broken = signalbot(tmp_path, "feeds", "add", feeds.base + "/nope", "--config", str(cfg))
    assert broken.returncode == 1
    assert "HTTP 404" in broken.stderr
    removed = signalbot(tmp_path, "feeds", "remove", "loop", "--config", str(cfg))
    assert removed.returncode == 0
    again = signalbot(tmp_path, "feeds", "remove", "loop", "--config", str(cfg))
    assert "no feed named 'loop'" in again.stderr


@pytest.mark.parametrize("args", [["analyze"], ["analyze", "ftp://x"]])
def test_analyze_usage_errors(args: list[str]) -> None:
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2


def test_poll_once_polls_only_due_feeds_and_honours_a_long_retry_after(
    tmp_path: Path, feeds: FeedServer
) -> None:
    busy = feeds.set(
        "/busy", "", fail_times=100, fail_status=429, fail_headers={"Retry-After": "3600"}
    )
    broken = feeds.set("/broken", "", fail_times=100, fail_status=500)
    config = tmp_path / "signalbot.yaml"
    config.write_text(
        f"feeds:\n  - {{name: busy, url: '{busy}'}}\n  - {{name: broken, url: '{broken}'}}\n"
    )
    first = signalbot(tmp_path, "poll", "--once", "--config", str(config))
    assert first.returncode == 1, first.stderr  # every feed failed
    assert feeds.hits("/busy") == 1  # the hour is not waited out in line, nor retried early
    assert feeds.hits("/broken") == 3  # a 500 is retried within the feed's deadline

    again = signalbot(tmp_path, "poll", "--once", "--config", str(config))
    assert again.returncode == 0, again.stderr
    assert (feeds.hits("/busy"), feeds.hits("/broken")) == (1, 3)  # neither is due yet
    assert "polled 0 feed(s)" in again.stderr
    assert "2 feed(s) not due yet" in again.stderr

    forced = signalbot(tmp_path, "poll", "--once", "--all", "--config", str(config))
    assert "polled 2 feed(s)" in forced.stderr
    assert feeds.hits("/busy") == 2


def test_poll_once_fetches_configured_feeds_through_the_proxy_the_environment_names(
    tmp_path: Path, feeds: FeedServer
) -> None:
    """The loopback feed server stands in for the proxy: it is asked for the absolute URL."""
    feeds.set("http://wire.example/rss", rss([rss_item("p1", TARIFF_TITLE, TARIFF_TEXT)]))
    config = tmp_path / "signalbot.yaml"
    config.write_text(
        "feeds:\n  - {name: wire, url: 'http://wire.example/rss'}\n"
        "polling: {backlog: 5}\nroutes:\n  - {name: desk, to: console}\n"
    )
    result = signalbot(
        tmp_path,
        "poll",
        "--once",
        "--config",
        str(config),
        HTTP_PROXY=feeds.base,
        NO_PROXY="",
        no_proxy="",
    )
    assert result.returncode == 0, result.stderr
    assert [path for path, _ in feeds.requests] == ["http://wire.example/rss"]
    assert "1 alert(s) sent" in result.stderr

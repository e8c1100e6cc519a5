"""Heavy libraries load only in the commands that use them.

Each check runs a fresh interpreter (the test process has imported everything already) and reads
its ``sys.modules`` after the command finished: the Teams SDK, matplotlib, trafilatura, slack-bolt
and aiohttp cost about a second and 90 MB together, and a cron `poll --once` or an `analyze -`
must not pay for them; nor does a `poll --once` on SQLite pay for SQLAlchemy (a quarter of a
second), nor one that finds no feed due for the parsing, scoring and chat stacks.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer

CHAT_AND_CHARTS = {"microsoft_agents", "matplotlib", "trafilatura", "slack_bolt", "aiohttp"}

PROBE = """
import json, sys
argv, out = sys.argv[2:], sys.argv[1]
code = 0
if argv == ["--import-only"]:
    import bot.cli
else:
    from bot.cli import main
    try:
        main(argv, prog_name="signalbot")
    except SystemExit as exit:
        code = exit.code
with open(out, "w") as f:
    json.dump({"code": code, "modules": sorted(k for k, v in sys.modules.items() if v)}, f)
"""


def loaded_after(
    tmp_path: Path, *args: str, stdin: str | None = None
) -> tuple[set[str], subprocess.CompletedProcess[str]]:
    """The top-level packages a fresh ``signalbot ARGS`` has imported when it exits."""
    out = tmp_path / "modules.json"
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "SIGNALBOT_", "TEAMS_"))
    }
    env["SIGNALBOT_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-c", PROBE, str(out), *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=120,
        check=False,
    )
    assert out.exists(), result.stderr
    report = json.loads(out.read_text())
    assert report["code"] in (0, None), result.stderr
    return {name.split(".")[0] for name in report["modules"]} | set(report["modules"]), result


def test_importing_the_cli_loads_no_chat_chart_database_or_feed_library(tmp_path: Path) -> None:
    loaded, _ = loaded_after(tmp_path, "--import-only")
    assert "bot.cli" in loaded
    heavy = CHAT_AND_CHARTS | {"sqlalchemy", "feedparser", "lxml"}
    assert not loaded & heavy, sorted(loaded & heavy)


def test_analyze_from_stdin_scores_without_chat_chart_or_database_libraries(
    tmp_path: Path,
) -> None:
    loaded, result = loaded_after(
        tmp_path, "analyze", "-", "--json", stdin=f"{TARIFF_TITLE}\n{TARIFF_TEXT}\n"
    )
    assert json.loads(result.stdout)["relevant"] is True
    assert "bot.domain.scoring" in loaded
    assert not loaded & (CHAT_AND_CHARTS | {"sqlalchemy"}), sorted(
        loaded & (CHAT_AND_CHARTS | {"sqlalchemy"})
    )
    # nor the config file's reader nor an event loop: analyze reads no config and polls nothing
    unused = {"yaml", "asyncio", "bot.adapters.config_file"}
    assert not loaded & unused, sorted(loaded & unused)


def test_poll_once_to_the_console_loads_no_chat_or_chart_library(
    tmp_path: Path, feeds: FeedServer
) -> None:
    url = feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)]))
    config = tmp_path / "signalbot.yaml"
    config.write_text(
        f"feeds:\n  - {{name: wire, url: '{url}'}}\n"
        "polling: {backlog: 5}\n"
        "routes:\n  - {name: desk, to: console}\n"
    )
    loaded, result = loaded_after(tmp_path, "poll", "--once", "--config", str(config))
    assert "1 alert(s) sent" in result.stderr
    assert TARIFF_TITLE[:30] in result.stdout
    # aiohttp's client fetches the configured feeds; its web server and httpx stay unloaded
    assert {"feedparser", "aiohttp", "sqlite3", "bot.domain.scoring.scorer"} <= loaded
    unused = (CHAT_AND_CHARTS - {"aiohttp"}) | {"aiohttp.web", "httpx", "httpcore", "anyio"}
    unused |= {"slack_sdk", "sqlalchemy", "alembic", "bot.services.chat"}
    assert not loaded & unused, sorted(loaded & unused)


NOT_NEEDED_TO_START = {
    "httpx",  # the HTTP clients open with the first request
    "aiohttp",
    "httpcore",
    "anyio",
    "sqlalchemy",  # SQLite is reached through sqlite3; an empty database is created directly
    "aiosqlite",
    "alembic",
    "feedparser",  # the feed parsers come with the first body to parse
    "lxml",
    "multiprocessing",  # the scoring pool, with the first big batch
    "bot.domain.scoring.scorer",  # the rule scorer, with the first item to score
    "bot.adapters.article_fetch",
    "bot.adapters.teams_notify",  # with the first Teams alert
    "bot.services.chat",  # with the first chat command
    "bot.cli_analyze",  # the other commands' modules
    "bot.cli_feeds",
    "bot.cli_eval",
    "bot.cli_db",
    "bot.cli_doctor",
    "pydantic_settings",  # the settings are a plain model read from the environment
}


def test_poll_once_with_no_feed_due_loads_only_what_start_up_needs(tmp_path: Path) -> None:
    """A cron ``poll --once`` that finds no feed due, on a fresh SQLite database and again at
    the head, loads neither SQLAlchemy nor Alembic, nor the HTTP, parsing, scoring and chat
    stacks."""
    config = tmp_path / "signalbot.yaml"
    config.write_text("feeds: []\nroutes:\n  - {name: desk, to: console}\n")
    for _ in ("fresh", "at head"):
        loaded, result = loaded_after(tmp_path, "poll", "--once", "--config", str(config))
        assert "polled 0 feed(s)" in result.stderr
        assert {"sqlite3", "rich", "yaml"} <= loaded
        assert not loaded & (CHAT_AND_CHARTS | NOT_NEEDED_TO_START), sorted(
            loaded & (CHAT_AND_CHARTS | NOT_NEEDED_TO_START)
        )
    assert (tmp_path / "data" / "signalbot.db").exists()

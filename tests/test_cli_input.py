"""Bad input to `signalbot analyze`, and progress on slow commands: shown on a terminal (a real
pseudo-terminal), silent when piped."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import yaml

from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer
from tests.test_cli import env, signalbot


def test_each_bad_jsonl_line_is_reported_and_the_others_scored(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "ok-1", "text": TARIFF_TEXT}),
        '{"id": "broken", "text": ',
        json.dumps(["a", "list"]),
        json.dumps({"id": "no-text"}),
        json.dumps({"id": "number", "text": 42}),
        "",
        json.dumps({"id": "ok-2", "text": "The weather was mild in the valley."}),
    ]
    result = signalbot(tmp_path, "analyze", "--jsonl", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "line 2: skipped: not valid JSON: Expecting value at column 25",
        "line 3: skipped: expected a JSON object with 'text', found list",
        "line 4: skipped: no 'text' field",
        "line 5: skipped: 'text' must be a string, found int",
        "4 of 6 line(s) could not be scored (see above)",
    ]
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["ok-1", None, None, None, None, "ok-2"]
    assert [o.get("line") for o in out[1:5]] == [2, 3, 4, 5]
    assert out[0]["relevant"] is True


def test_a_clean_jsonl_batch_exits_zero(tmp_path: Path) -> None:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": 1, "text": TARIFF_TEXT}) + "\n")
    result = signalbot(tmp_path, "analyze", "--jsonl", str(source))
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert json.loads(result.stdout)["id"] == 1


def test_a_jsonl_line_with_its_publication_time_resolves_its_dates(tmp_path: Path) -> None:
    """A line's ``published`` (ISO 8601) is what "May 14" and "for 90 days" are read against;
    one that is no date is reported like any other bad line."""
    text = "The US will cut tariffs on Chinese goods for 90 days starting May 14."
    lines = [
        json.dumps({"id": "dated", "text": text, "published": "2026-05-12"}),
        json.dumps({"id": "timed", "text": text, "published": "2027-05-12T09:30:00Z"}),
        json.dumps({"id": "undated", "text": text}),
        json.dumps({"id": "bad", "text": text, "published": "12/05/2026"}),
    ]
    result = signalbot(tmp_path, "analyze", "--jsonl", "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 1
    assert result.stderr.splitlines()[0] == (
        "line 4: skipped: 'published' must be an ISO 8601 date or time, found '12/05/2026'"
    )
    out = {o["id"]: o for o in map(json.loads, result.stdout.splitlines())}
    assert out["dated"]["reversion_risk"]["date"] == "2026-08-12"  # May 14 + 90 days
    assert out["timed"]["reversion_risk"]["date"] == "2027-08-12"
    assert out["undated"]["reversion_risk"]["date"] is None  # "May 14" of which year?
    assert out[None]["line"] == 4


def test_text_on_stdin_takes_its_publication_date_as_an_option(tmp_path: Path) -> None:
    stdin = "Tariff pause\nThe US will cut tariffs on Chinese goods for 90 days starting May 14.\n"
    result = signalbot(tmp_path, "analyze", "-", "--json", "--published", "2026-05-12", stdin=stdin)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["reversion_risk"]["date"] == "2026-08-12"
    bad = signalbot(tmp_path, "analyze", "-", "--published", "next week", stdin=stdin)
    assert bad.returncode == 2
    assert "--published: it must be an ISO 8601 date or time, found 'next week'" in bad.stderr
    batch = signalbot(tmp_path, "analyze", "--jsonl", "-", "--published", "2026-05-12", stdin="")
    assert batch.returncode == 2
    assert "a --jsonl line carries its own 'published'" in batch.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["analyze", "-"], "standard input is empty"),
        (["analyze", "-", "--json"], "standard input is empty"),
        (["analyze", "--jsonl", "-"], "no input lines in <stdin>"),
    ],
)
def test_empty_input_is_an_error_not_a_blank_card(
    tmp_path: Path, args: list[str], message: str
) -> None:
    result = signalbot(tmp_path, *args, stdin=" \n\n")
    assert result.returncode == 2
    assert message in result.stderr
    assert result.stdout == ""


def on_terminal(tmp_path: Path, *args: str, **extra: str) -> tuple[int, str, str]:
    """Run signalbot with standard error on a pseudo-terminal; (exit code, stdout, terminal)."""
    master, slave = pty.openpty()
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                data = os.read(master, 4096)
            except OSError:  # the other side closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "bot", *args],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            cwd=tmp_path,
            env=env(tmp_path, TERM="xterm-256color", **extra),
            timeout=120,
            check=False,
        )
    finally:
        os.close(slave)
        reader.join(timeout=10)
        os.close(master)
    return proc.returncode, proc.stdout.decode(), b"".join(chunks).decode(errors="replace")


def slow_commands(tmp_path: Path, feeds: FeedServer) -> list[tuple[list[str], str]]:
    url = feeds.set("/wire", rss([rss_item("a", TARIFF_TITLE, TARIFF_TEXT)], title="Loop Wire"))
    page = (
        f"<html><head><title>{TARIFF_TITLE}</title></head><body><p>{TARIFF_TEXT}</p></body></html>"
    )
    article = feeds.set("/article", page, content_type="text/html")
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": 1, "text": TARIFF_TEXT}) + "\n")
    labelled = tmp_path / "labelled.jsonl"
    labelled.write_text(json.dumps({"id": 1, "text": TARIFF_TEXT, "label": "escalation"}) + "\n")
    config = tmp_path / "signalbot.yaml"
    config.write_text(yaml.safe_dump({"feeds": [{"name": "wire", "url": url}]}))
    return [
        (["feeds", "add", url, "--name", "added", "--config", str(config)], f"Fetching {url}"),
        (["analyze", article, "--json"], f"Fetching {article}"),
        (["analyze", "--jsonl", str(batch)], "Scoring"),
        (["eval", str(labelled), "--task", "direction"], "Scoring"),
        (["poll", "--once", "--config", str(config)], "Polling feeds"),
    ]


def test_slow_commands_show_progress_on_a_terminal(tmp_path: Path, feeds: FeedServer) -> None:
    for args, message in slow_commands(tmp_path, feeds):
        code, _, terminal = on_terminal(tmp_path, *args, SIGNALBOT_FETCH_ALLOW="127.0.0.1")
        assert code == 0, (args, terminal)
        assert message in terminal, args


def test_slow_commands_stay_quiet_when_piped(tmp_path: Path, feeds: FeedServer) -> None:
    for args, message in slow_commands(tmp_path, feeds):
        result = signalbot(tmp_path, *args, SIGNALBOT_FETCH_ALLOW="127.0.0.1", FORCE_COLOR="1")
        assert result.returncode == 0, (args, result.stderr)
        assert message not in result.stderr, args
        assert "\x1b[" not in result.stderr, args  # no terminal control sequences


@pytest.mark.parametrize("ident", ["wire-1", 7, None, {"feed": "Reuters", "n": 3}, "Zölle–1"])
def test_a_jsonl_line_is_its_id_then_the_assessment_as_json(ident: object) -> None:
    from bot.analyze_batch import score_lines
    from bot.domain.models import Article
    from bot.domain.scoring import RuleScorer

    scorer = RuleScorer()
    title = "Brüssel erwägt Zölle: EU weighs tariffs on Chinese EVs"
    line = json.dumps({"id": ident, "title": title, "text": TARIFF_TEXT}, ensure_ascii=False)
    [(number, error, out)] = score_lines(scorer, [(4, line)])
    expected = scorer.score(Article(title=title, text=TARIFF_TEXT)).model_dump(mode="json")
    assert (number, error) == (4, None)
    assert json.loads(out) == {"id": ident, **expected}
    assert next(iter(json.loads(out))) == "id"
    assert "Brüssel" in out  # not escaped

"""Scoring on several cores: worker processes score big batches, in order, with the same results
as scoring in the calling process; small batches never start them."""

from __future__ import annotations

import ast
import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.adapters import scoring_pool
from bot.adapters.scoring_pool import ScoringPool, poll_processes, weighted_rule_scorer
from bot.domain import stories
from bot.domain.models import Article, Assessment
from bot.domain.scoring import RuleScorer
from bot.ports import Scorer
from tests.support.feeds import TARIFF_TEXT
from tests.test_cli import signalbot

TEXTS = [
    TARIFF_TEXT,
    "The weather was mild in the valley.",
    "Beijing said it may consider easing curbs on gallium exports if talks make progress.",
    "The Commerce Department added 12 companies to its entity list on Tuesday.",
]


def _articles(n: int) -> list[Article]:
    return [Article(title=f"item {k}", text=TEXTS[k % len(TEXTS)] + f" ({k})") for k in range(n)]


def pid_of_scorer(scorer: Scorer, tag: int) -> tuple[int, int]:
    """Where a task ran (a worker task for the tests below)."""
    del scorer
    return tag, os.getpid()


MAIN_SCRIPT = """
import threading
import bot.cli  # what the signalbot script imports before anything else
from bot.adapters.scoring_pool import ScoringPool
from bot.domain.scoring import RuleScorer
from tests.support.worker_tasks import modules_of_worker

if __name__ == "__main__":
    stop = threading.Event()
    threading.Thread(target=stop.wait).start()  # a second thread: the workers are spawned
    pool = ScoringPool(RuleScorer, workers=2)
    try:
        tasks = [(["bot.cli", "bot.domain.scoring.scorer"],)] * 4
        print(list(pool.map_ordered(modules_of_worker, tasks, pooled=True)))
    finally:
        pool.close()
        stop.set()
"""


def run_script(path: Path, text: str) -> str:
    """Run ``text`` as a script of its own (its ``__main__`` guard taken, as a user's script
    would) with this checkout importable; its standard output."""
    path.write_text(text)
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "PYTHONPATH": str(root)}
    result = subprocess.run(
        [sys.executable, str(path)], capture_output=True, text=True, env=env, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_workers_do_not_run_the_command_line_module_again(tmp_path: Path) -> None:
    """A spawned worker would import the calling script first (``bot.cli`` and its config
    models for ``signalbot``); the pool's spawned workers import only what scoring needs."""
    seen = ast.literal_eval(run_script(tmp_path / "main.py", MAIN_SCRIPT).strip())
    assert seen == [{"bot.cli": False, "bot.domain.scoring.scorer": True}] * 4


FORK_SCRIPT = """
import os
import threading
from bot.adapters.scoring_pool import ScoringPool, can_fork
from bot.domain.scoring import RuleScorer
from tests.support import worker_tasks

if __name__ == "__main__":
    worker_tasks.MARK = "set in the calling process"
    seen = {}
    for threads in (1, 2):
        stop = threading.Event()
        if threads == 2:
            threading.Thread(target=stop.wait).start()
        forkable = can_fork()
        pool = ScoringPool(RuleScorer, workers=2)
        try:
            marks = list(pool.map_ordered(worker_tasks.mark_of_worker, [()] * 4, pooled=True))
            seen[threads] = (forkable, marks)
        finally:
            pool.close()
            stop.set()
    print(seen)
"""


def test_workers_are_forked_from_a_single_thread_and_spawned_beside_other_threads(
    tmp_path: Path,
) -> None:
    """Forked workers are copies of the calling process (what it set is there); with a second
    thread running, a fork could copy a lock held for good, so the workers are spawned."""
    seen = ast.literal_eval(run_script(tmp_path / "fork.py", FORK_SCRIPT).strip())
    forked = sys.platform.startswith("linux")
    assert seen[1] == (forked, ["set in the calling process" if forked else None] * 4)
    assert seen[2] == (False, [None] * 4)


def test_big_batches_go_to_workers_and_come_back_in_order() -> None:
    pool = ScoringPool(RuleScorer, workers=2)
    try:
        ran = list(pool.map_ordered(pid_of_scorer, [(k,) for k in range(12)], pooled=True))
    finally:
        pool.close()
    assert [tag for tag, _ in ran] == list(range(12))
    assert os.getpid() not in {pid for _, pid in ran}


def test_pooled_batch_scores_as_the_calling_process_does() -> None:
    articles = _articles(40)
    local = weighted_rule_scorer()
    expected = [local.score(a) for a in articles]
    seen: list[float] = []
    pool = ScoringPool(weighted_rule_scorer, workers=2, observe=seen.append)
    try:
        got = asyncio.run(pool.score_batch(articles))
        assert pool.started
    finally:
        pool.close()
    assert got == expected
    assert len(seen) == len(articles)  # each item's scoring time is reported, wherever it ran


def test_workers_make_the_story_features_of_relevant_items_for_matching() -> None:
    """A relevant item is matched to stories in the calling process next: the worker that
    scored it sends its story features, the same as made here, and they are kept for matching;
    an item out of scope sends none."""
    articles = _articles(40)
    stories.forget_features()
    pool = ScoringPool(weighted_rule_scorer, processes=1)
    try:
        got = asyncio.run(pool.score_batch(articles))
        assert pool.started
    finally:
        pool.close()
    kept = dict(stories._known)
    for article, assessment in zip(articles, got, strict=True):
        assert isinstance(assessment, Assessment)
        key = (article.title, article.text[: stories.LEAD_CHARS])
        if assessment.relevant:
            assert kept[key] == stories.story_features(*key)
        else:
            assert key not in kept
    assert any(a.relevant for a in got if isinstance(a, Assessment))
    assert not all(a.relevant for a in got if isinstance(a, Assessment))


def test_small_batches_and_one_worker_stay_in_process() -> None:
    for workers, count in ((2, 3), (1, 40)):
        pool = ScoringPool(weighted_rule_scorer, workers=workers)
        try:
            got = asyncio.run(pool.score_batch(_articles(count)))
            assert not pool.started
        finally:
            pool.close()
        assert len(got) == count


def test_analyze_batch_in_workers_matches_one_process(tmp_path: Path) -> None:
    """Order, error objects and the stderr report per line are those of a single process."""
    lines = []
    for k in range(150):
        if k % 37 == 5:
            lines.append('{"id": "broken", "text": ')
        elif k % 41 == 7:
            lines.append(json.dumps({"id": f"n{k}"}))
        else:
            lines.append(json.dumps({"id": k, "text": TEXTS[k % len(TEXTS)]}))
    batch = tmp_path / "batch.jsonl"
    batch.write_text("\n".join(lines) + "\n")
    one = signalbot(tmp_path, "analyze", "--workers", "1", "--jsonl", str(batch))
    two = signalbot(
        tmp_path, "analyze", "--workers", "2", "--pool-chars", "1", "--jsonl", str(batch)
    )
    assert one.returncode == two.returncode == 1
    assert two.stdout == one.stdout
    assert two.stderr == one.stderr
    assert "line 6: skipped: not valid JSON" in two.stderr
    assert len(two.stdout.splitlines()) == 150


BUFFERED_SCRIPT = """
import sys
from bot.adapters.scoring_pool import ScoringPool
from bot.domain.scoring import RuleScorer
from tests.support.worker_tasks import mark_of_worker

if __name__ == "__main__":
    sys.stdout.write("written once\\n")  # still in this process's buffer (stdout is a pipe)
    pool = ScoringPool(RuleScorer, workers=2)
    try:
        list(pool.map_ordered(mark_of_worker, [()] * 4, pooled=True))
    finally:
        pool.close()
"""


def test_output_buffered_before_the_workers_start_is_written_once(tmp_path: Path) -> None:
    """A forked worker holds a copy of this process's output buffers and flushes them when it
    exits: they must be empty when it is forked (multiprocessing flushes them first)."""
    assert run_script(tmp_path / "buffered.py", BUFFERED_SCRIPT) == "written once\n"


def test_the_poll_cycle_keeps_a_core_for_itself_unless_told(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """By default the poll cycle's pool has one process per core but one (the polling process
    fetches, parses and records meanwhile); ``scoring_workers`` sets it, 0 scores in process."""
    monkeypatch.setattr(scoring_pool, "cpu_count", lambda: 4)
    assert poll_processes(None) == 3
    monkeypatch.setattr(scoring_pool, "cpu_count", lambda: 1)
    assert poll_processes(None) == 0
    assert poll_processes(2) == 2
    assert ScoringPool(RuleScorer, processes=poll_processes(0)).pooled(1000) is False
    assert ScoringPool(RuleScorer, processes=poll_processes(1)).pooled(1000) is True
    assert ScoringPool(RuleScorer, workers=1).pooled(1000) is False  # analyze --workers 1

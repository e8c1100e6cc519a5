"""Alert latency of ``signalbot run``: a feed gets a new relevant item at a random moment, and
the Slack Web API stand-in (served by the feed farm) records when the alert arrives."""

from __future__ import annotations

import random
import signal
import statistics
import subprocess
import time
from pathlib import Path
from typing import Any

from feed_farm import call, item_text

from bot.domain.models import Article
from bot.domain.scoring import RuleScorer


def relevant_item(rng: random.Random, scorer: RuleScorer, token: str) -> dict[str, str]:
    """A generated item that the scorer finds relevant (so that a route without filters alerts)."""
    while True:
        _, text = item_text(rng)
        title = text.split(". ")[0][:110]
        if scorer.score(Article(title=title, text=text)).relevant:
            return {"title": f"{title} [{token}]", "text": text}


def _wait_for(predicate: Any, timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return False


def measure_latency(
    *,
    base: str,
    root: Path,
    signalbot: list[str],
    env: dict[str, str],
    feeds: int,
    changes: int,
    interval: float,
    seed: int,
) -> list[float]:
    """Run ``signalbot run`` over ``feeds`` farm feeds, change one at a time, print latencies."""
    rng = random.Random(seed)
    scorer = RuleScorer()
    workdir = root / "latency"
    workdir.mkdir()
    urls = [f"{base}/feeds/{i}.xml" for i in range(feeds)]
    config = workdir / "signalbot.yaml"
    every = f"{interval:g}s"
    config.write_text(
        "feeds:\n"
        + "".join(f"  - {{name: live{i:03d}, url: '{url}'}}\n" for i, url in enumerate(urls))
        + f"polling: {{interval: {every}, min_interval: {every}, max_interval: {every}, backlog: 0}}\n"
        + "routes:\n  - {name: desk, to: 'slack:CBENCH'}\n"
    )
    stderr_path = workdir / "stderr.txt"
    cmd = [*signalbot, "run", "--config", str(config), "--data-dir", str(workdir / "data")]
    latencies: list[float] = []
    missed = 0
    with stderr_path.open("wb") as stderr:
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=stderr, cwd=workdir)
        try:
            if not _wait_for(lambda: "polled " in stderr_path.read_text(errors="replace"), 600):
                raise SystemExit(
                    f"error: signalbot run did not poll: {stderr_path.read_text()[-2000:]}"
                )
            for number in range(changes):
                time.sleep(rng.uniform(0, interval))
                token = f"bench-{seed}-{number}"
                item = relevant_item(rng, scorer, token)
                changed = call(f"{base}/change", {"feeds": [rng.randrange(feeds)], "items": [item]})

                def posted(token: str = token) -> bool:
                    return any(token in str(p["body"]) for p in call(f"{base}/posts"))

                if not _wait_for(posted, 3 * interval + 10):
                    missed += 1
                    continue
                post = next(p for p in call(f"{base}/posts") if token in str(p["body"]))
                latencies.append(float(post["at"]) - float(changed["at"]))
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(timeout=60)
    if latencies:
        print(
            f"alert latency, signalbot run ({feeds} feeds, interval {every}, Slack stand-in): "
            f"p50 {statistics.median(latencies):.2f} s, max {max(latencies):.2f} s over "
            f"{len(latencies)} change(s)" + (f", {missed} never posted" if missed else "")
        )
        print("  each: " + " ".join(f"{x:.2f}" for x in latencies))
    else:
        print(f"alert latency: no alert arrived for {changes} change(s); see {stderr_path}")
    return latencies

"""Delivery under faults, with real ``signalbot run`` processes against loopback stand-ins.

Every scenario serves one feed of N relevant, distinct stories from a loopback feed server (first
poll alerts all of them: ``polling.backlog: N``) to a slow Slack Web API stand-in that keeps each
message with its metadata. Lost = alerts whose key was never posted; duplicated = posts beyond
one per key. "Next alert" = seconds from a restart (or from the kill, when replicas survive) to
the next message the stand-in receives.

  kill-sqlite   SIGKILL at random points during delivery, restart on the same SQLite file
  kill-pg       3 replicas on PostgreSQL; the replica holding the deliveries is SIGKILLed and
                replaced, the others carry on
  sigterm       SIGTERM during delivery, then restart (SQLite)
  start-pg      3 replicas started together on a fresh PostgreSQL schema: how many exit
  storm         Slack answers 429 (Retry-After 1) to a share of all calls for a while
"""

from __future__ import annotations

import itertools
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError

from bot.adapters.sql.base import delivery_key
from bot.domain.models import Article
from bot.domain.scoring import RuleScorer
from tests.support.feeds import distinct_story, rss, rss_item
from tests.support.pg import fresh_schema
from tests.support.servers import FeedServer, SlackStandIn, feed_server, slack_server

CHANNEL = "C0DESK"
SIGNALBOT = str(Path(sys.executable).with_name("signalbot"))


@dataclass
class Figures:
    name: str
    alerts: int
    posts: int = 0
    lost: int = 0
    duplicated: int = 0
    faults: int = 0
    next_alert_s: list[float] = field(default_factory=list)
    after_start_s: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def count(self, slack: SlackStandIn) -> None:
        keys = Counter(k for k in slack.posted_keys() if k)
        self.posts = sum(keys.values())
        self.lost = self.alerts - len(keys)
        self.duplicated = sum(n - 1 for n in keys.values())

    def line(self) -> str:
        notes = "".join(f" · {n}" for n in self.notes)
        counts = (
            f", {self.alerts} alerts → {self.posts} posts, lost {self.lost}, "
            f"duplicated {self.duplicated}"
            if self.alerts
            else ""
        )
        return (
            f"{self.name}: {self.faults} {'fault(s)' if self.alerts else 'round(s)'}{counts}"
            + _spread("next alert after the fault", self.next_alert_s)
            + _spread("of which the new process's start-up", self.after_start_s)
            + notes
        )


def _spread(what: str, values: list[float]) -> str:
    if not values:
        return ""
    return (
        f" · {what}: median {statistics.median(values):.1f} s, max {max(values):.1f} s "
        f"(n={len(values)})"
    )


class Bot:
    """One ``signalbot run`` process."""

    def __init__(
        self,
        workdir: Path,
        config: Path,
        slack: SlackStandIn,
        db_url: str | None,
        *,
        own_host: bool = False,
    ):
        name = uuid.uuid4().hex[:6]
        self.log = workdir / f"bot-{name}.log"
        env = {
            **os.environ,
            "SLACK_BOT_TOKEN": "xoxb-faults",
            "SLACK_API_URL": slack.base,
            "SIGNALBOT_DATA_DIR": str(workdir / "data"),
            "SIGNALBOT_LOG_LEVEL": "INFO",
        }
        env.pop("SIGNALBOT_PORT", None)
        if db_url:
            env["SIGNALBOT_DATABASE_URL"] = db_url
        command = [SIGNALBOT, "run", "--config", str(config)]
        if own_host:  # a host name of its own (as on another machine); the pid stays the same
            command = ["unshare", "-u", "sh", "-c", f'hostname replica-{name} && exec "$@"', "-"]
            command += [SIGNALBOT, "run", "--config", str(config)]
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                command,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=env,
            )
        self.started = time.monotonic()

    @property
    def pid(self) -> int:
        return self.process.pid

    def kill(self) -> None:
        self.process.kill()
        self.process.wait()

    def stop(self, timeout: float = 30.0) -> float:
        """SIGTERM; the seconds it took to exit."""
        start = time.monotonic()
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        return time.monotonic() - start


def wait_until(check: Callable[[], bool], timeout: float, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(step)
    return check()


@contextmanager
def stand_ins(alerts: int, post_delay: float) -> Iterator[tuple[FeedServer, SlackStandIn, Path]]:
    with (
        feed_server() as feeds,
        slack_server() as slack,
        tempfile.TemporaryDirectory(delete="FAULTS_KEEP" not in os.environ) as tmp,
    ):
        slack.post_delay = post_delay
        items = [rss_item(f"f{n}", *distinct_story(n), minutes=n) for n in relevant(alerts)]
        url = feeds.set("/wire", rss(items))
        config = Path(tmp) / "signalbot.yaml"
        config.write_text(
            yaml.safe_dump(
                {
                    "feeds": [{"name": "wire", "url": url}],
                    "routes": [{"name": "desk", "to": f"slack:{CHANNEL}"}],
                    "polling": {"backlog": alerts},
                    "delivery": {"budget": 1000},
                }
            )
        )
        yield feeds, slack, Path(tmp)


def relevant(count: int) -> list[int]:
    """Numbers of the first ``count`` test stories that the scorer finds relevant (one alert
    each)."""
    scorer, found, n = RuleScorer(), [], 0
    while len(found) < count:
        title, body = distinct_story(n)
        if scorer.score(Article(title=title, text=body)).relevant:
            found.append(n)
        n += 1
    return found


def posted(slack: SlackStandIn) -> int:
    return len(slack.posted_keys())


def all_posted(slack: SlackStandIn, alerts: int) -> bool:
    return len({k for k in slack.posted_keys() if k}) >= alerts


def kill_sqlite(kills: int, alerts: int, post_delay: float, rng: random.Random) -> Figures:
    return _restart_loop(Figures("kill -9, SQLite", alerts), kills, post_delay, rng, Bot.kill)


def _restart_loop(
    figures: Figures,
    rounds: int,
    post_delay: float,
    rng: random.Random,
    fault: Callable[[Bot], object],
) -> Figures:
    """One bot on SQLite, hit by ``fault`` at a random moment after each alert and started
    again, until ``rounds`` faults or every alert is posted; then it runs to the end."""
    alerts = figures.alerts
    with stand_ins(alerts, post_delay) as (_, slack, tmp):
        db_url = f"sqlite:///{tmp / 'data' / 'signalbot.db'}"
        config = tmp / "signalbot.yaml"
        bot = Bot(tmp, config, slack, None)
        before = 0
        while True:
            if not _watch(bot, db_url, slack, before, figures if figures.faults else None):
                figures.notes.append("no alert within 60 s of a start")
                break
            if figures.faults >= rounds or all_posted(slack, alerts):
                break
            time.sleep(rng.uniform(0, 2 * post_delay))
            fault(bot)
            figures.faults += 1
            before = posted(slack)
            bot = Bot(tmp, config, slack, None)
        wait_until(lambda: all_posted(slack, alerts), 120)
        bot.stop()
        figures.count(slack)
    return figures


def _watch(
    bot: Bot, db_url: str, slack: SlackStandIn, before: int, figures: Figures | None
) -> bool:
    """Wait for the next alert after ``bot`` started; record how long it took, and how much of
    that the process needed to start (import, migrate, first heartbeat)."""
    started: float | None = None
    deadline = bot.started + 60
    while time.monotonic() < deadline:
        if started is None and _running(db_url, bot.pid):
            started = time.monotonic() - bot.started
        if figures is not None and all_posted(slack, figures.alerts):
            return True  # nothing was left to post
        if posted(slack) > before:
            if figures is not None:
                figures.next_alert_s.append(time.monotonic() - bot.started)
                figures.after_start_s.append(
                    started if started is not None else time.monotonic() - bot.started
                )
            return True
        time.sleep(0.05)
    return False


def _holder(db_url: str) -> int | None:
    """The pid of the replica holding the most queued deliveries."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            row = conn.execute(
                text(
                    "SELECT lease_owner, COUNT(*) FROM deliveries WHERE lease_owner IS NOT NULL "
                    "AND status IN ('pending', 'sending') GROUP BY lease_owner "
                    "ORDER BY COUNT(*) DESC LIMIT 1"
                )
            ).first()
    finally:
        engine.dispose()
    match = re.search(r":(\d+)$", str(row[0])) if row else None
    return int(match.group(1)) if match else None


def _running(db_url: str, pid: int) -> bool:
    """Whether the process with this pid has started (its heartbeat is in the database)."""
    engine = create_engine(db_url)
    try:
        with engine.begin() as conn:
            row = conn.execute(text("SELECT 1 FROM owners WHERE pid = :p"), {"p": pid}).first()
            return row is not None
    except SQLAlchemyError:  # not created yet
        return False
    finally:
        engine.dispose()


def kill_pg(
    kills: int, alerts: int, post_delay: float, rng: random.Random, *, own_hosts: bool = False
) -> Figures:
    where = " (each on a host name of its own)" if own_hosts else " (one host)"
    figures = Figures(f"kill -9 of the delivering replica, 3 replicas on PostgreSQL{where}", alerts)
    with stand_ins(alerts, post_delay) as (_, slack, tmp), fresh_schema("faults") as db_url:
        config = tmp / "signalbot.yaml"
        bots = [Bot(tmp, config, slack, db_url, own_host=own_hosts) for _ in range(3)]
        wait_until(lambda: all(_running(db_url, b.pid) for b in bots), 180, step=0.5)
        wait_until(lambda: posted(slack) > 0, 60)
        while figures.faults < kills and not all_posted(slack, alerts):
            time.sleep(rng.uniform(0, 2 * post_delay))
            pid = _holder(db_url)
            victim = next((b for b in bots if b.pid == pid), None)
            if victim is None:
                continue
            # A surviving replica must be up (started, heartbeating) to take over.
            others = [b for b in bots if b is not victim]
            wait_until(lambda o=others: any(_running(db_url, b.pid) for b in o), 180, step=0.2)
            victim.kill()
            killed_at, before = time.monotonic(), posted(slack)
            figures.faults += 1
            bots = [*others, Bot(tmp, config, slack, db_url, own_host=own_hosts)]
            if wait_until(
                lambda before=before: posted(slack) > before or all_posted(slack, alerts), 60
            ):
                if posted(slack) > before:
                    figures.next_alert_s.append(time.monotonic() - killed_at)
            else:
                figures.notes.append("no alert within 60 s of a kill")
        wait_until(lambda: all_posted(slack, alerts), 120)
        for bot in bots:
            bot.stop()
        figures.count(slack)
    return figures


def sigterm(rounds: int, alerts: int, post_delay: float, rng: random.Random) -> Figures:
    exits: list[float] = []
    figures = _restart_loop(
        Figures("SIGTERM then restart, SQLite", alerts),
        rounds,
        post_delay,
        rng,
        lambda bot: exits.append(bot.stop()),
    )
    if exits:
        figures.notes.append(f"exit after SIGTERM: max {max(exits):.1f} s")
    return figures


def start_pg(rounds: int, replicas: int = 3) -> Figures:
    figures = Figures(f"{replicas} replicas started together on a fresh PostgreSQL", 0)
    exited = 0
    with stand_ins(1, 0.0) as (_, slack, tmp):
        config = tmp / "signalbot.yaml"
        for _ in range(rounds):
            with fresh_schema("faults") as db_url:
                bots = [Bot(tmp, config, slack, db_url) for _ in range(replicas)]
                wait_until(  # each one is either up (migrated, heartbeating) or gone
                    lambda bots=bots, db_url=db_url: all(
                        b.process.poll() is not None or _running(db_url, b.pid) for b in bots
                    ),
                    180,
                    step=0.5,
                )
                down = [b for b in bots if b.process.poll() is not None]
                exited += len(down)
                for bot in bots:
                    bot.stop()
                figures.faults += 1
        figures.notes.append(f"{exited} of {rounds * replicas} processes exited at start")
    return figures


def _item_numbers(slack: SlackStandIn, alerts: int) -> list[int]:
    """The feed position of each posted alert, in posting order (from its delivery key)."""
    numbers = {delivery_key("wire", f"guid:f{n}", f"slack:{CHANNEL}"): n for n in range(4 * alerts)}
    return [numbers.get(key, -1) for key in slack.posted_keys()]


def storm(alerts: int, ratio: float, seconds: float) -> Figures:
    figures = Figures(f"Slack 429 to {ratio:.0%} of calls for {seconds:.0f} s", alerts)
    with stand_ins(alerts, 0.0) as (_, slack, tmp):
        slack.rate_limit_ratio, slack.retry_after = ratio, 1
        config = tmp / "signalbot.yaml"
        bot = Bot(tmp, config, slack, None)
        wait_until(lambda: bool(slack.calls), 120)  # the storm starts with the first call
        start = time.monotonic()
        wait_until(lambda: time.monotonic() - start > seconds, seconds + 1, step=0.5)
        slack.rate_limit_ratio = 0.0
        wait_until(lambda: all_posted(slack, alerts), 120)
        done = time.monotonic() - start
        bot.stop()
        figures.count(slack)
        calls = sorted(slack.calls, key=lambda c: c.at)
        waits = [b.at - a.at for a, b in itertools.pairwise(calls) if a.method.endswith(":429")]
        figures.faults = len(waits)
        order = _item_numbers(slack, alerts)
        in_order = order == sorted(order)
        figures.notes.append(
            f"wait after a 429: median {statistics.median(waits or [0]):.1f} s, "
            f"max {max(waits or [0]):.1f} s · all delivered {done:.0f} s after the storm began"
            f" · {'in order' if in_order else 'out of order'}"
        )
    return figures

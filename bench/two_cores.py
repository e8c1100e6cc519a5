"""Two-core scoring throughput of ``signalbot analyze --jsonl`` and of a poll cycle that scores.

python bench/two_cores.py analyze [--articles 4000] [--workers 1,2] [--runs 1]
python bench/two_cores.py poll [--feeds 200] [--items 30] [--workers 0,1,2] [--runs 1]
                              [--concurrency 4]

``analyze`` writes ``--articles`` generated wire articles (``bench/scoring.py``'s templates, each
with an ``id``) to a JSON Lines file and runs ``signalbot analyze --jsonl FILE --workers W``,
output to a file. With every worker count the outputs must be byte for byte the same.

``poll`` starts the loopback feed farm (``bench/feed_farm.py``: ``--feeds`` feeds of ``--items``
items, ``--relevant`` of them trade stories) and runs ``signalbot poll --once --all`` on a fresh
data directory with ``backlog`` equal to ``--items`` (every item of the first poll is scored,
matched to stories, recorded and routed) and ``scoring_workers: W`` (worker processes beside the
polling process; 0 scores in it); one console route, stdout to
/dev/null (alerts are rendered).

Each run prints articles (items) a second from the command's start to its end and, for ``poll``,
also from the farm's first request (start-up excluded), the wall time, the CPU seconds of the
command's own process and of its worker processes apart (``getrusage`` at its exit, self and
children), its peak RSS and the load average just before the run.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feed_farm import call
from poll import clean_env, scorer_kind, start_farm, write_config
from scoring import make_article

# The command runs in a process that reports its own and its children's CPU time at exit (after
# the workers have been joined: handlers registered first run last).
WRAPPER = """\
import atexit, os, resource, sys
def _report():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(os.environ["BENCH_RUSAGE"], "w") as fh:
        fh.write(f"{s.ru_utime + s.ru_stime} {c.ru_utime + c.ru_stime} {s.ru_maxrss}")
atexit.register(_report)
sys.argv = ["signalbot", *sys.argv[1:]]
from bot.cli import main
main()
"""


@dataclass
class Run:
    wall: float
    ended: float
    parent_cpu: float
    workers_cpu: float
    rss_mb: float
    load: float


def run(args: list[str], env: dict[str, str], stdout: Path, workdir: Path) -> Run:
    report = workdir / "rusage.txt"
    load = os.getloadavg()[0]
    with stdout.open("wb") as out, (workdir / "stderr.txt").open("wb") as err:
        start = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-c", WRAPPER, *args],
            env={**env, "BENCH_RUSAGE": str(report)},
            stdout=out,
            stderr=err,
            cwd=workdir,
            check=False,
        )
        wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(
            f"error: {args[0]} exited {proc.returncode}: "
            + (workdir / "stderr.txt").read_text()[-2000:]
        )
    parent, children, rss = report.read_text().split()
    return Run(wall, time.time(), float(parent), float(children), int(rss) / 1024, load)


def line(label: str, count: int, r: Run, extra: str = "") -> str:
    return (
        f"{label:<12} {count / r.wall:>8.0f}/s {r.wall:>7.2f} s wall  CPU {r.parent_cpu:>6.2f} s "
        f"command + {r.workers_cpu:>6.2f} s workers = {r.parent_cpu + r.workers_cpu:>6.2f} s  "
        f"{r.rss_mb:>4.0f} MB  load {r.load:.2f}{extra}"
    )


def bench_analyze(args: argparse.Namespace, root: Path, env: dict[str, str]) -> None:
    rng = random.Random(args.seed)
    corpus = root / "articles.jsonl"
    with corpus.open("w", encoding="utf-8") as fh:
        for n in range(args.articles):
            article = make_article(rng)
            record = {"id": f"a{n}", "title": article.title, "text": article.text}
            fh.write(json.dumps(record) + "\n")
    size = corpus.stat().st_size / 1e6
    print(f"analyze --jsonl: {args.articles} articles, {size:.1f} MB")
    outputs: dict[int, bytes] = {}
    for attempt in range(args.runs):
        for workers in args.workers:
            workdir = root / f"analyze-{workers}-{attempt}"
            workdir.mkdir()
            out = workdir / "out.jsonl"
            cmd = ["analyze", "--jsonl", str(corpus), "--workers", str(workers)]
            r = run(cmd, env, out, workdir)
            print(line(f"--workers {workers}", args.articles, r), flush=True)
            outputs.setdefault(workers, out.read_bytes())
    if len(set(outputs.values())) > 1:
        raise SystemExit("error: the outputs differ between worker counts")


def bench_poll(args: argparse.Namespace, root: Path, env: dict[str, str]) -> None:
    farm, first = start_farm(args.feeds, args.items, args.relevant)
    base = first.split()[1]
    count = args.feeds * args.items
    print(f"poll --once: {args.feeds} feeds x {args.items} items (backlog {args.items}), {base}")
    try:
        urls = [f"{base}/feeds/{i}.xml" for i in range(args.feeds)]
        for attempt in range(args.runs):
            for workers in args.workers:
                workdir = root / f"poll-{workers}-{attempt}"
                workdir.mkdir()
                polling = (
                    f"{{backlog: {args.items}, concurrency: {args.concurrency}, per_host: 4, "
                    f"scoring_workers: {workers}}}"
                )
                config = write_config(
                    workdir / "farm.yaml", urls, polling, "{name: desk, to: console}"
                )
                call(f"{base}/stats/reset", {})
                cmd = ["poll", "--once", "--all", "--config", str(config)]
                cmd += ["--data-dir", str(workdir / "data")]
                r = run(cmd, env, Path(os.devnull), workdir)
                served = call(f"{base}/stats")
                fetching = count / max(1e-3, r.ended - served["first"])
                summary = [
                    s for s in (workdir / "stderr.txt").read_text().splitlines() if "polled" in s
                ]
                print(
                    line(f"workers {workers}", count, r, f"  {fetching:.0f}/s from first request"),
                    flush=True,
                )
                if summary:
                    print(f"{'':<12} {summary[-1].split('INFO', 1)[-1].strip()}")
    finally:
        farm.send_signal(signal.SIGTERM)
        farm.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("what", choices=("analyze", "poll"))
    parser.add_argument(
        "--workers",
        help="comma-separated worker counts (analyze: --workers, default 1,2; poll: "
        "scoring_workers, default 0,1,2)",
    )
    parser.add_argument("--runs", type=int, default=1, help="rounds (worker counts alternate)")
    parser.add_argument("--articles", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=20250609)
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--items", type=int, default=30)
    parser.add_argument("--relevant", type=float, default=0.3)
    parser.add_argument(
        "--concurrency",
        type=int,
        default=4,
        help="polling.concurrency: feeds in flight (fetched, parsed, scored, recorded); the "
        "farm is one host, so per_host (4) bounds the fetches alone",
    )
    parser.add_argument(
        "--keep", type=Path, help="work in this new directory and keep it (outputs, databases)"
    )
    args = parser.parse_args(argv)
    given = args.workers or ("1,2" if args.what == "analyze" else "0,1,2")
    args.workers = [int(w) for w in given.split(",") if w.strip()]
    print(f"{os.cpu_count()} CPU(s), Python {sys.version.split()[0]}, {sys.executable}")
    print(f"scorer: {scorer_kind()}")
    env = clean_env(PYTHONPATH=str(Path(__file__).resolve().parents[1]))
    with tempfile.TemporaryDirectory(prefix="signalbot-two-cores-") as tmp:
        root = Path(tmp)
        if args.keep is not None:
            args.keep.mkdir(parents=True)
            root = args.keep
        if args.what == "analyze":
            bench_analyze(args, root, env)
        else:
            bench_poll(args, root, env)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Poll-cycle throughput and footprint against a plain feed reader, and alert latency.

./dev bench poll [--n 1000] [--k 30] [--workers 4] [--changed 0.1] [--relevant 0.3]
                 [--no-reader] [--no-latency]

1. Starts a loopback feed farm in its own process (bench/feed_farm.py: N feeds × K items, ETag and
   Last-Modified, 304 on match).
2. Runs ``signalbot poll --once --config FILE`` as cron runs it, one process per pass, on a fresh
   data directory: **cold** (every body new), **warm** (every feed answers 304) and **changed**
   (a fraction of the feeds got one new item). Routes go to the console with stdout to /dev/null:
   the cycle fetches, parses, scores, routes and renders every alert, and no chat platform's rate
   limit paces it.
3. Runs lemon24/reader (``--reader-version``, installed by this script into its own virtualenv
   under the cache directory, never beside signalbot) over the same farm in the same run, one
   process per pass, ``update_feeds`` with the same number of workers.
4. Prints for each pass: feeds/s with start-up excluded (signalbot: from the farm's first feed
   request to the end of the process; reader: ``update_feeds`` timed inside the process), the
   ratio to reader, wall time, CPU seconds (user + system of the child, start-up included) and the
   child's peak RSS. Start-up itself is measured apart: ``poll --once`` with no feeds.
5. Runs ``signalbot run`` on a few farm feeds with a short interval and routes to a Slack Web API
   stand-in, changes one feed at a random moment several times, and prints change → post latency.

Every client polls all farm feeds on one loopback host, so ``per_host`` is set to ``--workers``
(signalbot allows 4 connections per host by default; real feeds sit on many hosts).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from feed_farm import call
from reference import reader_python
from run_latency import measure_latency

HERE = Path(__file__).resolve().parent
PASSES = ("cold", "warm", "changed")


@dataclass
class Measured:
    wall: float
    ended: float  # unix time
    cpu: float
    rss_mb: float
    code: int
    stdout: str
    stderr: str


def run_child(cmd: list[str], env: dict[str, str], workdir: Path) -> Measured:
    """Run ``cmd`` to completion; its own CPU time and peak RSS come from wait4."""
    out, err = workdir / "stdout.txt", workdir / "stderr.txt"
    with out.open("wb") as stdout, err.open("wb") as stderr:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, env=env, stdout=stdout, stderr=stderr, cwd=workdir)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        ended = time.time()
    proc.returncode = os.waitstatus_to_exitcode(status)
    return Measured(
        wall,
        ended,
        usage.ru_utime + usage.ru_stime,
        usage.ru_maxrss / 1024,
        proc.returncode,
        out.read_text(errors="replace"),
        err.read_text(errors="replace"),
    )


def start_farm(n: int, k: int, relevant: float) -> tuple[subprocess.Popen[str], str]:
    """The farm process and its first line (``listening URL · …``)."""
    farm = [sys.executable, str(HERE / "feed_farm.py"), "--n", str(n), "--k", str(k)]
    proc = subprocess.Popen(
        [*farm, "--relevant", str(relevant)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line.startswith("listening "):
        proc.kill()
        raise SystemExit(f"error: the feed farm did not start: {line!r}")
    return proc, line


def signalbot_cmd() -> list[str]:
    script = Path(sys.executable).with_name("signalbot")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bot"]


def clean_env(**extra: str) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("SLACK_", "SIGNALBOT_", "TEAMS_")) or k == "SIGNALBOT_PURE_PYTHON"
    }
    return {**env, "SIGNALBOT_LOG_LEVEL": "INFO", **extra}


def write_config(path: Path, urls: list[str], polling: str, route: str) -> Path:
    lines = ["feeds:"] if urls else ["feeds: []"]
    lines += [f"  - {{name: farm{i:05d}, url: '{url}'}}" for i, url in enumerate(urls)]
    lines += [f"polling: {polling}", "routes:", f"  - {route}"]
    path.write_text("\n".join(lines) + "\n")
    return path


def summary(stderr: str) -> str:
    lines = [line for line in stderr.splitlines() if "polled " in line or "error" in line.lower()]
    return lines[-1].split("INFO", 1)[-1].strip() if lines else stderr.strip()[-200:]


def startup(root: Path, runs: int) -> list[Measured]:
    config = write_config(root / "empty.yaml", [], "{backlog: 0}", "{name: desk, to: console}")
    results = []
    for run in range(runs):
        workdir = root / f"startup-{run}"
        workdir.mkdir()
        cmd = [*signalbot_cmd(), "poll", "--once", "--config", str(config)]
        results.append(run_child([*cmd, "--data-dir", str(workdir / "data")], clean_env(), workdir))
    return results


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return f"{os.cpu_count()} CPU(s), {model}, {platform.system()} {platform.release()}, load average {load}"


def scorer_kind() -> str:
    """How the scorer runs in the commands measured (they inherit SIGNALBOT_PURE_PYTHON)."""
    from bot.domain.scoring import compiled

    return "compiled (mypyc)" if compiled() else "Python source"


def row(
    name: str, client: str, feeds_s: float, ratio: str, m: Measured, served: str, note: str
) -> str:
    return (
        f"{name:<8} {client:<10} {feeds_s:>9.1f} {ratio:>8} {m.wall:>8.2f} {m.cpu:>7.2f} "
        f"{m.rss_mb:>8.0f}  {served:<11} {note}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=1000, help="feeds in the farm")
    parser.add_argument("--k", type=int, default=30, help="items per feed")
    parser.add_argument(
        "--workers",
        type=int,
        default=4,
        help="concurrent fetches, both clients (signalbot's default per host is 4)",
    )
    parser.add_argument(
        "--changed", type=float, default=0.1, help="fraction changed in the third pass"
    )
    parser.add_argument(
        "--relevant",
        type=float,
        default=0.3,
        help="share of the farm's items that are trade-policy stories (scored relevant)",
    )
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--startup-runs", type=int, default=3)
    parser.add_argument("--reader-version", default="3.26")
    parser.add_argument(
        "--cache-dir",
        type=Path,
        default=Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        / "signalbot-bench",
    )
    parser.add_argument("--no-reader", action="store_true", help="skip the reference reader")
    parser.add_argument("--no-latency", action="store_true", help="skip the alert-latency run")
    parser.add_argument("--latency-feeds", type=int, default=50)
    parser.add_argument("--latency-changes", type=int, default=8)
    parser.add_argument(
        "--interval", type=float, default=5.0, help="feed interval in the latency run, seconds"
    )
    args = parser.parse_args(argv)

    print(f"machine: {machine()}")
    print(f"scorer: {scorer_kind()}")
    print(
        f"signalbot: {platform.python_implementation()} {platform.python_version()} ({sys.executable})"
    )
    ref_python = None
    if not args.no_reader:
        ref_python = reader_python(args.cache_dir, args.reader_version)
        version = subprocess.run(
            [
                str(ref_python),
                "-c",
                "import reader, platform; print(reader.__version__, platform.python_version())",
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.split()
        print(f"reader:    {version[0]} on Python {version[1]} ({ref_python})")

    root = Path(tempfile.mkdtemp(prefix="signalbot-bench-poll-"))
    farm, farm_line = start_farm(args.n, args.k, args.relevant)
    base = farm_line.split()[1]
    try:
        urls = [f"{base}/feeds/{i}.xml" for i in range(args.n)]
        print(f"farm: {farm_line.removeprefix('listening ').strip()} · workers {args.workers}")

        boot = startup(root, args.startup_runs)
        boot_wall = statistics.median(m.wall for m in boot)
        print(
            f"start-up, poll --once with no feeds (median of {len(boot)}): {boot_wall:.2f} s wall, "
            f"{statistics.median(m.cpu for m in boot):.2f} s CPU, {max(m.rss_mb for m in boot):.0f} MB peak RSS"
        )

        polling = f"{{backlog: 0, concurrency: {args.workers}, per_host: {args.workers}}}"
        config = write_config(root / "farm.yaml", urls, polling, "{name: desk, to: console}")
        (root / "urls.txt").write_text("\n".join(urls) + "\n")
        data_dir, reader_db = root / "signalbot-data", root / "reader.sqlite"
        print(
            f"\n{'pass':<8} {'client':<10} {'feeds/s':>9} {'×reader':>8} {'wall s':>8} {'CPU s':>7} {'peak MB':>8}  {'200/304':<11} result"
        )
        results: dict[str, dict[str, float]] = {}
        for name in PASSES:
            if name == "changed":
                m = max(1, round(args.n * args.changed))
                call(f"{base}/change", {"m": m, "seed": args.seed})
            workdir = root / f"{name}-signalbot"
            workdir.mkdir()
            call(f"{base}/stats/reset", {})
            cmd = [
                *signalbot_cmd(),
                "poll",
                "--once",
                "--config",
                str(config),
                "--data-dir",
                str(data_dir),
                "--all",  # every feed, due or not (as reader updates every feed)
            ]
            sb = run_child(cmd, clean_env(), workdir)
            sb_served = call(f"{base}/stats")
            # Start-up excluded: from the first feed request to the end of the process.
            sb_rate = args.n / max(1e-3, sb.ended - sb_served["first"])
            results[name] = {"signalbot": sb_rate}
            rd_line = ""
            ratio = "–"
            if ref_python is not None:
                workdir = root / f"{name}-reader"
                workdir.mkdir()
                call(f"{base}/stats/reset", {})
                cmd = [
                    str(ref_python),
                    str(HERE / "reader_driver.py"),
                    str(reader_db),
                    str(root / "urls.txt"),
                    "--workers",
                    str(args.workers),
                ]
                rd = run_child(cmd + (["--add"] if name == "cold" else []), clean_env(), workdir)
                rd_served = call(f"{base}/stats")
                report = json.loads(rd.stdout.strip().splitlines()[-1]) if rd.code == 0 else {}
                if not report:
                    print(f"reader failed: {rd.stderr[-2000:]}")
                else:
                    rd_rate = args.n / report["update_s"]
                    results[name]["reader"] = rd_rate
                    ratio = f"{sb_rate / rd_rate:.2f}×"
                    note = (
                        f"start-up {report['startup_s']:.2f} s · {report['updated']} updated, "
                        f"{report['unchanged']} unchanged, {report['failed']} failed, "
                        f"{report['new_entries']} new entries {report['error'][:80]}"
                    )
                    rd_line = row(
                        "",
                        "reader",
                        rd_rate,
                        "",
                        rd,
                        f"{rd_served['200']}/{rd_served['304']}",
                        note,
                    )
            print(
                row(
                    name,
                    "signalbot",
                    sb_rate,
                    ratio,
                    sb,
                    f"{sb_served['200']}/{sb_served['304']}",
                    summary(sb.stderr) if sb.code == 0 else f"exit {sb.code}: {summary(sb.stderr)}",
                )
            )
            if rd_line:
                print(rd_line)
            sys.stdout.flush()

        if not args.no_latency:
            print()
            measure_latency(
                base=base,
                root=root,
                signalbot=signalbot_cmd(),
                env=clean_env(SLACK_BOT_TOKEN="xoxb-bench-stand-in", SLACK_API_URL=f"{base}/api/"),
                feeds=min(args.n, args.latency_feeds),
                changes=args.latency_changes,
                interval=args.interval,
                seed=args.seed,
            )
        print(f"\nload average after the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    finally:
        farm.send_signal(signal.SIGTERM)
        farm.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""python -m bench.faults delivery [--only SCENARIO ...] [--kills N] [--seed S]

Runs the delivery fault scenarios (see ``bench/faults/delivery.py``) and prints one line of figures
each. PostgreSQL scenarios use ``SIGNALBOT_TEST_PG_URL`` (default: the local test database).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.faults import delivery

SCENARIOS = ("kill-sqlite", "kill-pg", "sigterm", "start-pg", "storm")


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.faults")
    parser.add_argument("suite", choices=["delivery"])
    parser.add_argument("--only", nargs="+", choices=SCENARIOS, default=list(SCENARIOS))
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs per kill scenario")
    parser.add_argument("--sigterms", type=int, default=5)
    parser.add_argument("--starts", type=int, default=5, help="rounds of 3 replicas starting")
    parser.add_argument("--post-delay", type=float, default=0.5, help="seconds per Slack post")
    parser.add_argument(
        "--pg-post-delay",
        type=float,
        default=1.5,
        help="seconds per Slack post with replicas (leaves time for replacements to start)",
    )
    parser.add_argument("--storm-seconds", type=float, default=30.0)
    parser.add_argument("--storm-ratio", type=float, default=0.7)
    parser.add_argument(
        "--own-hosts",
        action="store_true",
        help="kill-pg: each replica in a UTS namespace with a host name of its own (Linux, root), "
        "so that a dead replica is noticed by its lapsed heartbeat, as across machines",
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    runs = {
        "kill-sqlite": lambda: delivery.kill_sqlite(args.kills, 40, args.post_delay, rng),
        "kill-pg": lambda: delivery.kill_pg(
            args.kills, 60, args.pg_post_delay, rng, own_hosts=args.own_hosts
        ),
        "sigterm": lambda: delivery.sigterm(args.sigterms, 40, args.post_delay, rng),
        "start-pg": lambda: delivery.start_pg(args.starts),
        "storm": lambda: delivery.storm(18, args.storm_ratio, args.storm_seconds),
    }
    failed = False
    for name in args.only:
        start = time.monotonic()
        figures = runs[name]()
        print(f"{figures.line()} · {time.monotonic() - start:.0f} s", flush=True)
        failed |= bool(figures.lost or figures.duplicated)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Instructions per scored article, counted exactly by valgrind (callgrind), unlike wall clock.

python bench/instructions.py [--articles 60] [--seed S]

Runs the generated corpus of ``bench/scoring.py`` twice under callgrind with ``PYTHONHASHSEED=0``:
building the scorer and then scoring no article, and scoring the first ``--articles`` ones. The
difference of the two totals divided by the number of articles is the cost of scoring one article,
without start-up or the lexicon build. The figure is the same on a loaded machine.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.scoring import compiled

_TOTALS = re.compile(r"^(?:summary|totals):\s+(\d+)", re.MULTILINE)


def _score(articles: int, of: int, seed: int) -> None:
    """Score the first ``articles`` of ``of`` generated articles (the corpus is always built
    whole, so both runs generate the same text)."""
    from bench.scoring import make_article
    from bot.domain.scoring import RuleScorer

    rng = random.Random(seed)
    corpus = [make_article(rng) for _ in range(of)]
    scorer = RuleScorer()
    for article in corpus[:articles]:
        scorer.score(article)


def count(articles: int, of: int, seed: int) -> int:
    """Instructions of a process that scores ``articles`` of ``of`` generated ones."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        cmd = [
            "valgrind",
            "--tool=callgrind",
            f"--callgrind-out-file={out}",
            sys.executable,
            __file__,
            "--child",
            str(articles),
            "--of",
            str(of),
            "--seed",
            str(seed),
        ]
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        found = _TOTALS.search(out.read_text(encoding="utf-8", errors="replace"))
    if found is None:
        raise SystemExit("error: no instruction total in the callgrind output")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    """Print the total of each run and the instructions per article."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=60)
    parser.add_argument("--seed", type=int, default=20250609)
    parser.add_argument("--child", type=int, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--of", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child is not None:
        _score(args.child, args.of, args.seed)
        return 0
    n = max(1, args.articles)
    with ThreadPoolExecutor(2) as pool:  # the two runs side by side (counts do not depend on it)
        base, total = pool.map(lambda k: count(k, n, args.seed), (0, n))
    print(f"python: {sys.version.split()[0]} ({sys.executable}), PYTHONHASHSEED=0")
    print(f"scorer: {'compiled (mypyc)' if compiled() else 'Python source'}")
    print(f"instructions, scorer built, 0 articles scored: {base:,}")
    print(f"instructions, scorer built, {n} articles scored: {total:,}")
    print(f"scoring: {(total - base) / n / 1e6:.2f} M instructions per article")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Throughput and memory of RuleScorer on a seeded corpus of ~600-word wire-style articles.

python bench/scoring.py [--articles N] [--seed S] [--runs R] [--sentences FILE.jsonl]
                        [--workers 1,2]

Measures end-to-end ``RuleScorer.score`` (sentence splitting, tokenising, lexicon scan, sentence
analysis, combination and building the pydantic Assessment) over the whole corpus, on one core,
after one warm-up article. The corpus is scored ``--runs`` times (default 3); the best and the
median rate are printed (best is the headline figure: least disturbed by other load).

``--workers 1,2`` then scores the same corpus through the worker pool of ``analyze --jsonl`` and
the poll cycle (``bot.adapters.scoring_pool``) with each number of processes, start-up of the
workers included (a fresh pool per run), and prints articles/s for each.
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.domain.models import Article
from bot.domain.scoring import RuleScorer, compiled

ACTORS = [
    ("Washington", "the Commerce Department"),
    ("Beijing", "the Ministry of Commerce"),
    ("Brussels", "the European Commission"),
    ("Tokyo", "the trade ministry"),
    ("The Hague", "the Dutch government"),
    ("Seoul", "the industry ministry"),
]
GOODS = ["gallium", "rare-earth magnets", "advanced chips", "soybeans", "electric vehicles",
         "solar panels", "chip-making tools", "graphite", "pork", "lithium batteries"]  # fmt: skip
MOVES = [
    "{a} imposed a {n}% tariff on {g} from {b}, effective {d}.",
    "{a} said it would consider easing curbs on {g} if talks with {b} made progress.",
    "{a} added {n} companies to its entity list, citing national security concerns.",
    "{a} approved some export licences for {g}, but declined to give volumes or destinations.",
    "Officials in {a} threatened to restore tariffs on {g} by {d} unless {b} changed course.",
    "{a} and {b} agreed a framework to resume talks, according to people familiar with the matter.",
    "{a} lifted its ban on {g} shipments to {b} under Announcement No. {n} of 2025.",
    "{a} launched an anti-dumping investigation into imports of {g} from {b}.",
    "A spokesperson for {c} told reporters that the measures were temporary.",
    "{a} suspended the planned increase for 90 days as a goodwill gesture toward {b}.",
    "Analysts said the move could signal a thaw, though the details remain to be worked out.",
    "{a} criticised {b} for what it called unfair subsidies to makers of {g}.",
]
FILLER = [
    "Markets reacted calmly, with shares of exporters little changed in afternoon trading.",
    "The dispute has weighed on supply chains for more than a year.",
    "Industry groups have lobbied for clearer rules and longer transition periods.",
    "Trade between the two economies reached about ${n} billion last year.",
    "The ministry did not respond to a request for comment on Tuesday.",
    "Economists expect growth to slow in the second half as demand weakens.",
    "Shipping costs rose sharply in the first quarter before easing in the spring.",
    "Several firms said they had built up inventories ahead of the deadline.",
]
DATES = ["August 1", "1 September", "the end of June", "October 15", "July 9", "March 2026"]


def make_article(rng: random.Random, words: int = 600) -> Article:
    """One synthetic article of about ``words`` words, deterministic for a given generator state."""
    (a, c), (b, _) = rng.sample(ACTORS, 2)
    parts: list[str] = []
    count = 0
    while count < words:
        template = rng.choice(MOVES) if rng.random() < 0.55 else rng.choice(FILLER)
        sentence = template.format(
            a=a, b=b, c=c, g=rng.choice(GOODS), n=rng.randint(2, 150), d=rng.choice(DATES)
        )
        parts.append(sentence)
        count += len(sentence.split())
    title = f"{a} and {b} trade moves on {rng.choice(GOODS)}"
    return Article(
        title=title, text=" ".join(parts), published=datetime(2025, 6, rng.randint(1, 28))
    )


def _sentences(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    pool = [str(r["text"]) for r in rows if isinstance(r, dict) and r.get("text")]
    if not pool:
        raise SystemExit(f"error: no 'text' lines in {path}")
    return pool


def _assemble(rng: random.Random, pool: list[str], words: int = 600) -> Article:
    """An article of about ``words`` words drawn from real sentences (first one as the title)."""
    parts: list[str] = []
    count = 0
    while count < words:
        sentence = rng.choice(pool)
        parts.append(sentence)
        count += len(sentence.split())
    return Article(title=parts[0][:120], text=" ".join(parts[1:]), published=datetime(2025, 6, 1))


def _interpreter() -> str:
    """The interpreter the figures are for: the same code runs about 20% faster on some builds
    (Debian's Python 3.11 against a plain pyenv build of 3.12, on one machine)."""
    return f"{platform.python_implementation()} {platform.python_version()} ({sys.executable})"


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print articles/s and peak memory."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=20250609)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument(
        "--sentences",
        type=Path,
        help="build the articles from real sentences: a JSONL file with a 'text' per line "
        "(e.g. ../shared/eval/hedging-dev.jsonl) instead of the generated wire templates",
    )
    parser.add_argument(
        "--workers",
        default="",
        help="comma-separated worker counts to measure through the scoring pool (e.g. 1,2)",
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    if args.sentences:
        pool = _sentences(args.sentences)
        corpus = [_assemble(rng, pool) for _ in range(args.articles)]
    else:
        corpus = [make_article(rng) for _ in range(args.articles)]
    mean_words = sum(len(a.text.split()) for a in corpus) / max(1, len(corpus))
    scorer = RuleScorer()
    scorer.score(corpus[0])  # warm-up: lexicons compiled
    times: list[float] = []
    for _ in range(max(1, args.runs)):
        start = time.perf_counter()
        for article in corpus:
            scorer.score(article)
        times.append(time.perf_counter() - start)
    best, median = min(times), statistics.median(times)
    tracemalloc.start()
    for article in corpus[: min(200, len(corpus))]:
        scorer.score(article)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"python: {_interpreter()}")
    print(f"scorer: {'compiled (mypyc)' if compiled() else 'Python source'}")
    print(f"articles: {len(corpus)}  mean words: {mean_words:.0f}")
    print(
        f"throughput: {len(corpus) / best:,.0f} articles/s best of {len(times)} "
        f"({best:.2f} s, one core); median {len(corpus) / median:,.0f} articles/s"
    )
    print(f"tracemalloc peak while scoring: {peak / 2**20:.1f} MB")
    print(f"process max RSS: {maxrss_mb:.1f} MB")
    for workers in [int(w) for w in args.workers.split(",") if w.strip()]:
        pooled(corpus, workers, max(1, args.runs))
    return 0


def pooled(corpus: list[Article], workers: int, runs: int) -> None:
    """Articles/s through the scoring pool with ``workers`` processes (1: in this process), a
    fresh pool per run so that starting the workers is counted."""
    from bot.adapters.scoring_pool import ScoringPool

    times: list[float] = []
    cpu_start = _cpu()
    for _ in range(runs):
        pool = ScoringPool(RuleScorer, workers=workers)
        start = time.perf_counter()
        if workers > 1:
            pool.score_all(corpus)
        else:
            for article in corpus:  # what analyze does with --workers 1
                pool.score(article)
        times.append(time.perf_counter() - start)
        pool.close()
    cpu = (_cpu() - cpu_start) / runs
    print(
        f"pool, {workers} worker(s): {len(corpus) / min(times):,.0f} articles/s best of {runs} "
        f"(median {len(corpus) / statistics.median(times):,.0f}; worker start-up included); "
        f"CPU {cpu:.2f} s per run (this process and its workers)"
    )


def _cpu() -> float:
    """User + system seconds of this process and of its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


if __name__ == "__main__":
    raise SystemExit(main())

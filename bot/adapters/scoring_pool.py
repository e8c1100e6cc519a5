"""Scoring on every core: a pool of worker processes, started only when a batch is big enough.

Scoring is pure Python and holds the interpreter lock, so threads cannot use a second core; worker
processes can. Each worker builds its own scorer once (lexicons compiled in the worker) and scores
chunks of a batch; results come back in order, one per article (an exception in place of an
assessment that failed). Small batches, and a pool of no processes, are scored in this process: a
poll cycle that finds a handful of new items never starts a pool, and neither does start-up.

How many processes: ``analyze`` only feeds its workers, so it runs one per core (``workers``; 1
scores in the calling process). The polling process is busy too (fetching, parsing, matching
stories, recording), so it keeps a core and the pool gets one process fewer (``processes``, see
``poll_processes``): on two cores, three busy processes took turns for two cores, and the polling
process, the part that finishes last, was slowed the most.

Workers are forked when this process runs a single thread (``analyze --jsonl`` starts them before
anything else): copies of this process with its scorer built, gc-frozen, they start in a few
milliseconds. Otherwise (the poll cycle's event loop has executor threads; not on Linux) they are
spawned, a fresh interpreter each that imports the scorer and compiles its lexicons, about half a
second of CPU, paid once per pool: ``fork`` from a process with threads can deadlock. The
``forkserver``'s workers are not children of this process, so their CPU time would be missing
from what ``wait4`` reports for it (the benchmarks read it there).
"""

from __future__ import annotations

import asyncio
import gc
import logging
import math
import os
import sys
import threading
import time
import types
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from bot.adapters.model_tuples import Packed, decoder, encoder
from bot.domain.models import Article, Assessment
from bot.domain.source_weight import WeightedScorer

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

    from bot.domain.stories import StoryFeatures
    from bot.ports import Scorer

# The rule scorer and the process pool (multiprocessing) are imported when first needed: a poll
# cycle that finds nothing new uses neither.

log = logging.getLogger(__name__)

MIN_POOLED = 16
"""Batches smaller than this are scored in this process (a pool hop costs more than it saves)."""
MIN_CHUNK = 8
"""Articles per task at least, so that shipping a task costs little beside scoring it."""
MAX_CHUNK = 64
"""Articles per task at most: what a worker holds at once (articles and their assessments)."""


Result = Assessment | Exception
Observe = Callable[[float], None]


def cpu_count() -> int:
    """Cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def poll_processes(configured: int | None) -> int:
    """Worker processes for the poll cycle: as configured, else one per core but one (the polling
    process keeps a core); 0 scores in the polling process."""
    return max(0, cpu_count() - 1) if configured is None else max(0, configured)


def weighted_rule_scorer() -> Scorer:
    """The scorer of the poll cycle: rules, then the weight of official sources."""
    from bot.domain.scoring import RuleScorer

    return WeightedScorer(RuleScorer())


_worker_scorer: Scorer | None = None


def _init_worker(factory: Callable[[], Scorer]) -> None:
    global _worker_scorer
    _worker_scorer = factory()


def _adopt_scorer(scorer: Scorer) -> None:
    global _worker_scorer
    _worker_scorer = scorer


def can_fork() -> bool:
    """Whether workers may be forked from this process: on Linux, while it runs one thread.
    A fork copies only the thread that calls it; a lock another thread held (a logging handler's,
    the allocator's) would stay locked in the copy for good."""
    if not sys.platform.startswith("linux") or threading.active_count() > 1:
        return False
    try:  # threads that the threading module does not know of (started by C libraries)
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def score_chunk(scorer: Scorer, articles: Sequence[Article]) -> list[tuple[Result, float]]:
    """Each article's assessment (or the exception scoring raised) and the seconds it took."""
    out: list[tuple[Result, float]] = []
    for article in articles:
        start = time.perf_counter()
        try:
            out.append((scorer.score(article), time.perf_counter() - start))
        except Exception as exc:
            out.append((exc, time.perf_counter() - start))
    return out


_pack = encoder(Assessment)
_unpack = decoder(Assessment)


def _score_in_worker(
    articles: Sequence[Article],
) -> list[tuple[Packed | Exception, float, StoryFeatures | None]]:
    """``score_chunk`` with each assessment as a plain tuple (``bot.adapters.model_tuples``):
    a third of the cost of pickling the model in the worker and of unpickling it here. A
    relevant item is matched to stories next, in the polling process: its story features are
    made here, on a core that process does not need."""
    assert _worker_scorer is not None, "worker started without its scorer"
    from bot.domain.stories import LEAD_CHARS, story_features

    out: list[tuple[Packed | Exception, float, StoryFeatures | None]] = []
    for article, (result, seconds) in zip(
        articles, score_chunk(_worker_scorer, articles), strict=True
    ):
        if isinstance(result, Exception):
            out.append((result, seconds, None))
        else:
            relevant = result.relevant
            lead = article.text[:LEAD_CHARS]
            out.append(
                (_pack(result), seconds, story_features(article.title, lead) if relevant else None)
            )
    return out


def _received(
    parts: Iterable[list[tuple[Packed | Exception, float, StoryFeatures | None]]],
    articles: Sequence[Article],
) -> list[tuple[Result, float]]:
    """The workers' results rebuilt, in order, the story features they made kept for matching."""
    from bot.domain.stories import LEAD_CHARS, remember_features

    out: list[tuple[Result, float]] = []
    results = (result for part in parts for result in part)
    for article, (result, seconds, features) in zip(articles, results, strict=True):
        if features is not None:
            remember_features(article.title, article.text[:LEAD_CHARS], features)
        out.append((result if isinstance(result, Exception) else _unpack(result), seconds))
    return out


def run_in_worker(fn: Callable[..., Any], *args: Any) -> Any:
    """Call ``fn(worker's scorer, *args)`` in a worker (``fn`` must be a module-level function)."""
    assert _worker_scorer is not None, "worker started without its scorer"
    return fn(_worker_scorer, *args)


def _started() -> None:
    """A worker's first task: nothing, once its scorer is built."""


@contextmanager
def _no_main_module() -> Iterator[None]:
    """Processes spawned inside this block do not run this process's main module again.

    A spawned process first imports its parent's ``__main__`` (for functions defined there);
    for ``signalbot`` that is the whole command line, ``bot.cli`` with its config models, none
    of it needed to score. The pool's tasks and scorer factories are importable by name, so a
    main module without a file serves. Workers that replace a dead one later start the usual
    way."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


def chunks(count: int, workers: int) -> list[tuple[int, int]]:
    """``[start, end)`` ranges splitting ``count`` articles over ``workers`` processes."""
    size = min(MAX_CHUNK, max(MIN_CHUNK, math.ceil(count / max(1, workers))))
    return [(start, min(count, start + size)) for start in range(0, count, size)]


class ScoringPool:
    """Scores batches in worker processes when worthwhile, else with ``local`` in this process.

    ``factory`` builds each worker's scorer and must be importable by name (a module-level
    function or class); it must score as ``local`` does. ``observe`` is told each item's scoring
    time, wherever it ran.
    """

    def __init__(
        self,
        factory: Callable[[], Scorer],
        local: Scorer | None = None,
        *,
        workers: int | None = None,
        processes: int | None = None,
        observe: Observe | None = None,
    ) -> None:
        """``workers``: cores to score on, the calling process's included when it is 1 (default:
        every core); or ``processes``: worker processes beside the calling process, 0 for none."""
        self.factory = factory
        self._local = local
        if processes is None:
            cores = cpu_count() if workers is None else max(1, workers)
            processes = 0 if cores == 1 else cores
        self.processes = max(0, processes)
        self._observe = observe
        self._pool: ProcessPoolExecutor | None = None
        self._thread: ThreadPoolExecutor | None = None

    @property
    def started(self) -> bool:
        return self._pool is not None

    def pooled(self, count: int) -> bool:
        """Whether a batch of ``count`` articles goes to worker processes."""
        return self.processes > 0 and count >= MIN_POOLED

    def executor(self) -> Executor:
        """The worker pool, started on first use."""
        if self._pool is None:
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            if can_fork():
                # The workers are copies of this process with its scorer built: no interpreter
                # to start, no imports, no lexicons to compile (and its memory shared).
                scorer = self.local
                # What exists now is never garbage in a worker: frozen, the workers' collections
                # do not walk it (nor write to its pages, which would copy them).
                gc.freeze()
                try:
                    self._pool = ProcessPoolExecutor(
                        self.processes,
                        mp_context=multiprocessing.get_context("fork"),
                        initializer=_adopt_scorer,
                        initargs=(scorer,),
                    )
                    self._pool.submit(_started)  # every worker is forked now, before any thread
                finally:
                    gc.unfreeze()
                method = "forked"
            else:
                self._pool = ProcessPoolExecutor(
                    self.processes,
                    mp_context=multiprocessing.get_context("spawn"),
                    initializer=_init_worker,
                    initargs=(self.factory,),
                )
                with _no_main_module():  # every worker starts now, without the command line
                    for _ in range(self.processes):
                        self._pool.submit(_started)
                method = "spawned"
            log.debug("scoring pool started: %d worker process(es) %s", self.processes, method)
        return self._pool

    @property
    def local(self) -> Scorer:
        """The scorer of this process, built on first use (by ``factory`` unless given)."""
        if self._local is None:
            self._local = self.factory()
        return self._local

    def score(self, article: Article) -> Assessment:
        """One article, in this process (``bot.ports.Scorer``)."""
        return self.local.score(article)

    def map_ordered(
        self, fn: Callable[..., Any], tasks: Iterable[tuple[Any, ...]], *, pooled: bool
    ) -> Iterator[Any]:
        """``fn(scorer, *task)`` for each task, results in task order: in worker processes when
        ``pooled`` (``fn`` must then be a module-level function; a few tasks per worker are kept
        in flight, so memory stays bounded however many tasks come), else in this process."""
        if not pooled or not self.processes:
            for task in tasks:
                yield fn(self.local, *task)
            return
        pool = self.executor()
        pending: deque[Any] = deque()
        for task in tasks:
            pending.append(pool.submit(run_in_worker, fn, *task))
            if len(pending) > 2 * self.processes:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()

    def _done(self, results: list[tuple[Result, float]]) -> list[Result]:
        if self._observe is not None:
            for _, seconds in results:
                self._observe(seconds)
        return [result for result, _ in results]

    def score_all(self, articles: Sequence[Article]) -> list[Result]:
        """Every article's assessment in order, blocking (for commands without an event loop)."""
        if not self.pooled(len(articles)):
            return self._done(score_chunk(self.local, articles))
        pool = self.executor()
        parts = [
            pool.submit(_score_in_worker, articles[a:b])
            for a, b in chunks(len(articles), self.processes)
        ]
        return self._done(_received((part.result() for part in parts), articles))

    async def score_batch(self, articles: Sequence[Article]) -> list[Result]:
        """Every article's assessment in order, without blocking the event loop: in worker
        processes when the batch is big enough, else on one scoring thread (one: scoring holds
        the interpreter lock, and more threads would only take turns with the event loop for
        it). A pool that broke (a worker killed) is replaced once."""
        loop = asyncio.get_running_loop()
        if not self.pooled(len(articles)):
            if self._thread is None:
                self._thread = ThreadPoolExecutor(1, thread_name_prefix="scoring")
            results = await loop.run_in_executor(self._thread, score_chunk, self.local, articles)
            return self._done(results)
        from concurrent.futures.process import BrokenProcessPool

        for attempt in (1, 2):
            pool = self.executor()
            try:
                parts = await asyncio.gather(
                    *(
                        loop.run_in_executor(pool, _score_in_worker, articles[a:b])
                        for a, b in chunks(len(articles), self.processes)
                    )
                )
            except BrokenProcessPool:
                if attempt == 2:
                    raise
                log.warning("a scoring worker died; starting the pool again")
                self._pool = None
                pool.shutdown(wait=False, cancel_futures=True)
                continue
            return self._done(_received(parts, articles))
        raise AssertionError("unreachable")

    def close(self) -> None:
        """Stop the workers and the scoring thread (those that were started)."""
        if self._thread is not None:
            self._thread.shutdown(wait=True)
            self._thread = None
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

"""Commitment clarity against annotated certainty: AUROC per source and what each band holds.

Pure functions over scored examples. The gold label is ``hedged`` or ``certain``; a good clarity
rating ranks certain statements above hedged ones, so AUROC here is the chance that a random
certain statement rates higher than a random hedged one from the same source (ties count half).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .models import ClarityBand, Evidence

HEDGED = "hedged"
CERTAIN = "certain"
BANDS = tuple(ClarityBand)


@dataclass(frozen=True, slots=True)
class ClarityExample:
    """One labelled sentence with the scorer's clarity, band, hedged flag and evidence."""

    id: str
    source: str
    text: str
    gold: str
    clarity: int
    band: ClarityBand
    hedged: bool
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True, slots=True)
class BandShare:
    """How many items a band holds and how many of them annotators called uncertain."""

    n: int
    hedged: int

    @property
    def share(self) -> float | None:
        return self.hedged / self.n if self.n else None


@dataclass(frozen=True, slots=True)
class ClarityReport:
    """One source: counts, the two AUROCs (None when a class is absent) and the band shares."""

    n: int
    n_hedged: int
    auroc_clarity: float | None
    auroc_not_hedged: float | None
    bands: dict[ClarityBand, BandShare]


def auroc(positives: Sequence[float], negatives: Sequence[float]) -> float | None:
    """P(a random positive scores above a random negative), ties counting half (Mann-Whitney U
    over mid-ranks); None when either side is empty."""
    if not positives or not negatives:
        return None
    pooled = sorted([(v, 1) for v in positives] + [(v, 0) for v in negatives])
    rank_sum = 0.0
    k = 0
    while k < len(pooled):
        j = k
        while j < len(pooled) and pooled[j][0] == pooled[k][0]:
            j += 1
        mid_rank = (k + 1 + j) / 2  # 1-based ranks k+1 … j share their mean
        rank_sum += mid_rank * sum(flag for _, flag in pooled[k:j])
        k = j
    n_pos, n_neg = len(positives), len(negatives)
    return (rank_sum - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg)


def report(examples: Sequence[ClarityExample]) -> ClarityReport:
    """The AUROC of clarity and of the ``not hedged`` flag, and the gold-hedged share per band."""
    certain = [ex for ex in examples if ex.gold == CERTAIN]
    hedged = [ex for ex in examples if ex.gold == HEDGED]
    bands: dict[ClarityBand, BandShare] = {}
    for band in BANDS:
        inside = [ex for ex in examples if ex.band == band]
        bands[band] = BandShare(len(inside), sum(1 for ex in inside if ex.gold == HEDGED))
    return ClarityReport(
        n=len(examples),
        n_hedged=len(hedged),
        auroc_clarity=auroc([ex.clarity for ex in certain], [ex.clarity for ex in hedged]),
        auroc_not_hedged=auroc(
            [float(not ex.hedged) for ex in certain], [float(not ex.hedged) for ex in hedged]
        ),
        bands=bands,
    )


def by_source(examples: Iterable[ClarityExample]) -> dict[str, list[ClarityExample]]:
    """Examples grouped per source, sources in alphabetical order."""
    groups: dict[str, list[ClarityExample]] = defaultdict(list)
    for ex in examples:
        groups[ex.source].append(ex)
    return {s: groups[s] for s in sorted(groups)}


def misrated(
    examples: Iterable[ClarityExample], n: int
) -> tuple[list[ClarityExample], list[ClarityExample]]:
    """The ``n`` certain statements rated lowest and the ``n`` hedged ones rated highest."""
    rows = list(examples)
    low = sorted((ex for ex in rows if ex.gold == CERTAIN), key=lambda ex: (ex.clarity, ex.id))
    high = sorted((ex for ex in rows if ex.gold == HEDGED), key=lambda ex: (-ex.clarity, ex.id))
    return low[: max(0, n)], high[: max(0, n)]


def _fmt(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.3f}"


def format_report(name: str, rep: ClarityReport) -> str:
    """A plain-text report of one source."""
    lines = [
        f"== {name} (n={rep.n}, hedged={rep.n_hedged})",
        f"AUROC clarity (certain above hedged): {_fmt(rep.auroc_clarity)}",
        f"AUROC not hedged:                     {_fmt(rep.auroc_not_hedged)}",
        "band          items  gold hedged  share hedged",
    ]
    for band, b in rep.bands.items():
        share = "n/a" if b.share is None else f"{100 * b.share:.1f} %"
        lines.append(f"{band.value:<12}  {b.n:5d}  {b.hedged:11d}  {share:>12}")
    return "\n".join(lines)


def format_examples(title: str, examples: Sequence[ClarityExample], max_evidence: int = 4) -> str:
    """Examples with their rating, hedged flag, text and strongest evidence."""
    lines = [f"{title}:"]
    for ex in examples:
        flag = "hedged" if ex.hedged else "not hedged"
        lines.append(
            f"- [{ex.source}] {ex.id}: gold={ex.gold} clarity={ex.clarity} "
            f"({ex.band.value}, {flag})"
        )
        lines.append(f"  text: {ex.text}")
        for e in ex.evidence[:max_evidence]:
            lines.append(f"  {e.kind:>13} {e.contribution:+6.2f}  {e.cue!r}  {e.note}")
    if not examples:
        lines.append("  (none)")
    return "\n".join(lines)

"""The elements of a commitment, read back from the scorer's assessment and checked against labels.

Each sentence of an element set is labelled for the elements SCORING.md names (quantity, date,
destination, instrument, enforcement, on-record attribution; hedge, condition, symbolic move,
withheld detail, reversibility, anonymous sourcing). The scorer has no per-element output of its
own: an element shows in its assessment as the absence of a ``missing`` entry, as an evidence cue of
a clarity class or as a reversion risk. ``READERS`` is the one table that
says where each element is read; an element the scorer has no notion of maps to ``None`` and is
reported as not read rather than guessed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from .models import Assessment, ClarityBand, Evidence

ELEMENTS = (
    "quantity",
    "date",
    "destination",
    "instrument",
    "enforcement",
    "on_record",
    "hedge",
    "condition",
    "symbolic",
    "withheld",
    "reversible",
    "anonymous",
)

Reader = Callable[[Assessment], bool]


def _not_missing(code: str) -> Reader:
    return lambda a: all(gap.code != code for gap in a.missing)


def _cue(note: str) -> Reader:
    return lambda a: any(e.note == note and e.kind.startswith("clarity") for e in a.evidence)


def _reversible(a: Assessment) -> bool:
    return a.reversion_risk is not None or _cue("reversible")(a)


READERS: Mapping[str, tuple[str, Reader] | None] = {
    "quantity": ("no `volumes` gap in missing", _not_missing("volumes")),
    "date": ("no `timeline` gap in missing", _not_missing("timeline")),
    "destination": ("no `destinations` gap in missing", _not_missing("destinations")),
    "instrument": ("no `instrument` gap in missing", _not_missing("instrument")),
    "enforcement": (
        'a clarity cue "enforcement or verification"',
        _cue("enforcement or verification"),
    ),
    "on_record": ('a clarity cue "on-record attribution"', _cue("on-record attribution")),
    "hedge": ('a clarity cue "hedged wording"', _cue("hedged wording")),
    "condition": ('a clarity cue "conditional"', _cue("conditional")),
    "symbolic": ('a clarity cue "symbolic or selective move"', _cue("symbolic or selective move")),
    "withheld": ('a clarity cue "withheld detail"', _cue("withheld detail")),
    "reversible": ('a reversion risk or a clarity cue "reversible"', _reversible),
    "anonymous": ('a clarity cue "anonymous sourcing"', _cue("anonymous sourcing")),
}
"""Element -> (where it shows in the assessment, the reader), or None when the scorer does not
read it. Absence from ``missing`` counts for the four elements the alert's "Missing for a
commitment" line speaks of; the others are the cue classes of ``clarity.toml`` by their note. The
``hedged`` flag is not the hedge element: it also covers conditionals and reported intentions
(it is measured by ``eval --task hedging`` and ``--task clarity``)."""


@dataclass(frozen=True, slots=True)
class ElementExample:
    """One labelled sentence: gold elements, the elements read from the assessment, evidence."""

    id: str
    text: str
    gold: Mapping[str, bool]
    read: Mapping[str, bool]
    evidence: tuple[Evidence, ...] = ()
    missing: tuple[str, ...] = ()
    flags: str = ""
    """the hedged flag and any reversion risk, in words, for error listings"""
    band: ClarityBand = ClarityBand.SIGNAL


@dataclass(frozen=True, slots=True)
class ElementScores:
    """Precision, recall, F1 and support (gold positives) of one element; counts kept for errors."""

    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float | None:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        return self.tp / self.support if self.support else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0


def read_elements(
    assessment: Assessment, readers: Mapping[str, tuple[str, Reader] | None] = READERS
) -> dict[str, bool]:
    """The elements the scorer reports for ``assessment`` (elements it does not read are left out)."""
    return {name: spec[1](assessment) for name, spec in readers.items() if spec is not None}


def scores(
    examples: Iterable[ElementExample], elements: Sequence[str] = ELEMENTS
) -> dict[str, ElementScores | None]:
    """Per element, the counts against gold; None for an element the examples were not read for."""
    rows = list(examples)
    out: dict[str, ElementScores | None] = {}
    for name in elements:
        if any(name not in ex.read for ex in rows):
            out[name] = None
            continue
        tp = sum(1 for ex in rows if ex.gold.get(name, False) and ex.read[name])
        fp = sum(1 for ex in rows if not ex.gold.get(name, False) and ex.read[name])
        fn = sum(1 for ex in rows if ex.gold.get(name, False) and not ex.read[name])
        out[name] = ElementScores(tp, fp, fn)
    return out


def errors(
    examples: Iterable[ElementExample], name: str, n: int
) -> tuple[list[ElementExample], list[ElementExample]]:
    """The first ``n`` false positives and false negatives of element ``name``, by id."""
    rows = sorted((ex for ex in examples if name in ex.read), key=lambda ex: ex.id)
    fps = [ex for ex in rows if ex.read[name] and not ex.gold.get(name, False)]
    fns = [ex for ex in rows if not ex.read[name] and ex.gold.get(name, False)]
    return fps[: max(0, n)], fns[: max(0, n)]


UNCERTAIN = ("hedge", "condition")
"""Elements that make a statement uncertain: what no item in ``commitment`` should carry."""


def band_shares(
    examples: Iterable[ElementExample], uncertain: Sequence[str] = UNCERTAIN
) -> dict[ClarityBand, tuple[int, int]]:
    """Per band: (items, items labelled with any of ``uncertain``)."""
    rows = list(examples)
    out: dict[ClarityBand, tuple[int, int]] = {}
    for band in ClarityBand:
        inside = [ex for ex in rows if ex.band == band]
        flagged = sum(1 for ex in inside if any(ex.gold.get(u, False) for u in uncertain))
        out[band] = (len(inside), flagged)
    return out


def format_bands(shares: Mapping[ClarityBand, tuple[int, int]]) -> str:
    """The band table: items and the share labelled hedged or conditional."""
    lines = ["band          items  hedged or conditional  share"]
    for band, (n, k) in shares.items():
        share = f"{100 * k / n:.1f} %" if n else "n/a"
        lines.append(f"{band.value:<12}  {n:5d}  {k:21d}  {share:>5}")
    return "\n".join(lines)


def _fmt(value: float | None) -> str:
    return "   n/a" if value is None else f"{value:6.3f}"


def format_scores(
    table: Mapping[str, ElementScores | None],
    readers: Mapping[str, tuple[str, Reader] | None] = READERS,
) -> str:
    """The per-element table: precision, recall, F1, support and where the element is read."""
    lines = [f"{'element':<12}  precision  recall      f1  support  read from"]
    for name, s in table.items():
        if s is None:
            lines.append(f"{name:<12}  not read")
            continue
        spec = readers.get(name)
        where = spec[0] if spec is not None else ""
        lines.append(
            f"{name:<12}  {_fmt(s.precision):>9}  {_fmt(s.recall)}  {_fmt(s.f1)}"
            f"  {s.support:7d}  {where}"
        )
    return "\n".join(lines)


def format_errors(
    name: str,
    fps: Sequence[ElementExample],
    fns: Sequence[ElementExample],
    max_evidence: int = 4,
) -> str:
    """False positives and negatives of one element with the scorer's evidence and missing list."""
    lines = [f"-- {name}: {len(fps)} false positive(s), {len(fns)} false negative(s) shown"]
    for tag, rows in (("read but not labelled", fps), ("labelled but not read", fns)):
        for ex in rows:
            lines.append(f"- {ex.id} ({tag}): {ex.text}")
            if ex.flags:
                lines.append(f"  {ex.flags}")
            if ex.missing:
                lines.append(f"  missing: {' · '.join(ex.missing)}")
            clarity = [e for e in ex.evidence if e.kind.startswith("clarity")]
            for e in clarity[:max_evidence]:
                lines.append(f"  {e.kind:>13} {e.contribution:+6.2f}  {e.cue!r}  {e.note}")
    return "\n".join(lines)

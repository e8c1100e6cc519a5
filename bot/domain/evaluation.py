"""Classification metrics for the scorer against labelled text: accuracy, P/R/F1, confusion matrix.

Pure functions over (gold, predicted) pairs; reports are grouped per source because labelled sets
from different publishers measure different things and must not be pooled.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from .models import Evidence


@dataclass(frozen=True, slots=True)
class Example:
    """One scored example: id, source, gold and predicted label, and the evidence behind it."""

    id: str
    source: str
    text: str
    gold: str
    predicted: str
    margin: float = 0.0
    evidence: tuple[Evidence, ...] = ()
    note: str = ""
    """A line of context for error analysis (for relevance: why the item is out of scope)."""


@dataclass(frozen=True, slots=True)
class ClassScores:
    """Precision, recall, F1 and support of one class."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True, slots=True)
class Metrics:
    """Accuracy, per-class scores and the confusion matrix (gold -> predicted -> count)."""

    n: int
    accuracy: float
    per_class: dict[str, ClassScores]
    confusion: dict[str, dict[str, int]]
    labels: tuple[str, ...] = field(default=())

    def macro_f1(self, classes: Iterable[str]) -> float:
        """Unweighted mean F1 over ``classes`` (a class absent from the data scores 0)."""
        wanted = list(classes)
        if not wanted:
            return 0.0
        return sum(self.per_class.get(c, ClassScores(0, 0, 0, 0)).f1 for c in wanted) / len(wanted)


def _safe_div(a: float, b: float) -> float:
    return a / b if b else 0.0


def compute(pairs: Sequence[tuple[str, str]], labels: Sequence[str] = ()) -> Metrics:
    """Metrics of (gold, predicted) pairs; ``labels`` fixes the class order of the report."""
    order = list(labels)
    for gold, pred in pairs:
        for lab in (gold, pred):
            if lab not in order:
                order.append(lab)
    confusion: dict[str, dict[str, int]] = {g: dict.fromkeys(order, 0) for g in order}
    for gold, pred in pairs:
        confusion[gold][pred] += 1
    per_class: dict[str, ClassScores] = {}
    for c in order:
        tp = confusion[c][c]
        predicted = sum(confusion[g][c] for g in order)
        support = sum(confusion[c].values())
        p = _safe_div(tp, predicted)
        r = _safe_div(tp, support)
        per_class[c] = ClassScores(p, r, _safe_div(2 * p * r, p + r), support)
    correct = sum(1 for g, p in pairs if g == p)
    return Metrics(len(pairs), _safe_div(correct, len(pairs)), per_class, confusion, tuple(order))


def by_source(examples: Iterable[Example], labels: Sequence[str] = ()) -> dict[str, Metrics]:
    """Metrics per ``source``, sources in alphabetical order."""
    groups: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ex in examples:
        groups[ex.source].append((ex.gold, ex.predicted))
    return {s: compute(groups[s], labels) for s in sorted(groups)}


def format_report(
    name: str, metrics: Metrics, headline: tuple[str, Sequence[str]] | None = None
) -> str:
    """A plain-text report: accuracy, the headline F1, per-class P/R/F1 and the confusion matrix."""
    lines = [f"== {name} (n={metrics.n})", f"accuracy: {metrics.accuracy:.3f}"]
    if headline is not None:
        title, classes = headline
        lines.append(f"{title}: {metrics.macro_f1(classes):.3f}")
    width = max([len(c) for c in metrics.labels] + [9])
    lines.append(f"{'class':<{width}}  precision  recall     f1  support")
    for c in metrics.labels:
        s = metrics.per_class[c]
        lines.append(
            f"{c:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}"
        )
    lines.append("confusion (rows gold, columns predicted):")
    lines.append(" " * width + "  " + "  ".join(f"{c:>{width}}" for c in metrics.labels))
    for g in metrics.labels:
        row = "  ".join(f"{metrics.confusion[g][p]:>{width}d}" for p in metrics.labels)
        lines.append(f"{g:<{width}}  {row}")
    return "\n".join(lines)


def false_alarm_rate(metrics: Metrics, positive: str, negative: str) -> float:
    """The share of ``negative`` examples predicted ``positive`` (false positives / negatives)."""
    row = metrics.confusion.get(negative, {})
    return _safe_div(row.get(positive, 0), sum(row.values()))


def worst_misses(examples: Iterable[Example], n: int) -> list[Example]:
    """The ``n`` misses the scorer was most confident about (largest margin first)."""
    misses = [ex for ex in examples if ex.gold != ex.predicted]
    misses.sort(key=lambda ex: (-abs(ex.margin), ex.id))
    return misses[: max(0, n)]


def format_misses(
    examples: Sequence[Example],
    max_evidence: int = 4,
    kinds: Iterable[str] | None = None,
    max_text: int = 300,
) -> str:
    """Misses with their text (cut at ``max_text`` characters) and the strongest evidence (only
    of ``kinds`` when given), for error analysis."""
    wanted = set(kinds) if kinds is not None else None
    lines: list[str] = []
    for ex in examples:
        lines.append(f"- [{ex.source}] {ex.id}: gold={ex.gold} predicted={ex.predicted}")
        text = " ".join(ex.text.split())
        lines.append(f"  text: {text[:max_text]}{'…' if len(text) > max_text else ''}")
        if ex.note:
            lines.append(f"  {ex.note}")
        shown = [e for e in ex.evidence if wanted is None or e.kind in wanted]
        for e in shown[:max_evidence]:
            lines.append(f"  {e.kind:>13} {e.contribution:+6.2f}  {e.cue!r}  {e.note}")
    return "\n".join(lines)


def count_labels(examples: Iterable[Example]) -> Counter[str]:
    """How often each gold label occurs."""
    return Counter(ex.gold for ex in examples)

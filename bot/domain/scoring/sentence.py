"""Findings of one sentence: events with direction, hedges, clarity cues, actors, topics, snap-backs.

Events follow the CAMEO/PLOVER root categories with a flipped Goldstein-like weight. A pivot verb
(lift, suspend, impose, resume, ...) takes its direction from its object (lifting *sanctions*
de-escalates, suspending *talks* escalates). Negation in the same clause flips and weakens a cue,
irrealis framing (plans, threats, offers, conditionals) weakens a material cue, and cues inside a
background clause (after ..., amid ...) count for less than the main event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.domain.models import EvidenceKind

from .dates import DateMention, find_dates
from .engine import ActorCue, ClarityCue, Engine, EventCue
from .lexicon import PUNCT, Match, is_acronym, tokenize

NEGATION_FACTOR = -0.5
FORWARD_OBJECT_WINDOW = 5
BACKWARD_OBJECT_WINDOW = 4
MAX_CONDITION_TOKENS = 10
_WITHHELD_TOPICS = {
    "volumes": (
        "volume",
        "quantit",
        "amount",
        "tonnage",
        "scale",
        "how many",
        "how much",
        "number",
    ),
    "destinations": (
        "destination",
        "market",
        "countr",
        "recipient",
        "buyer",
        "which firms",
        "name",
    ),
    "timeline": ("timeline", "timetable", "date", "when", "schedule", "deadline"),
}
_DATE_WORDS = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
    ]
)
_CAPITAL_MONTHS = frozenset({"May", "March"})
_VERB_LAYERS = frozenset({"event", "hedge", "irrealis", "pivot", "clarity"})
_NOT_QUANTITY = frozenset(
    ["no", "nos", "number", "section", "article", "announcement", "order", "rule", "decree"]
)
_NOT_UNIT = frozenset(["of", "and", "or", "to", "in", "on", "at", "by"])
_DATE_PRIORITY = {"iso": 0, "mdy": 0, "dmy": 0, "month": 1, "relative": 2, "span": 2, "year": 3}
_YEAR_LIKE = frozenset(str(y) for y in range(1900, 2100))


@dataclass(slots=True)
class Finding:
    """One cue in a sentence with its kind, signed contribution and a short note."""

    cue: str
    kind: EvidenceKind
    contribution: float
    note: str = ""


@dataclass(slots=True)
class Reversion:
    """A snap-back cue: readable phrase, resolved date (if any), and whether it stands alone."""

    phrase: str
    date: date | None
    strong: bool


@dataclass(slots=True)
class SentenceResult:
    """Everything the item-level scorer needs from one sentence."""

    text: str
    direction: list[Finding] = field(default_factory=list)
    clarity: list[tuple[ClarityCue, Finding]] = field(default_factory=list)
    hedge: float = 0.0
    hedged: bool = False
    actors: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    reversion: Reversion | None = None
    conditions: list[str] = field(default_factory=list)
    withheld: set[str] = field(default_factory=set)
    has_quantity: bool = False
    has_date: bool = False
    has_destination: bool = False

    @property
    def escalation(self) -> float:
        return sum(f.contribution for f in self.direction if f.contribution > 0)

    @property
    def deescalation(self) -> float:
        return -sum(f.contribution for f in self.direction if f.contribution < 0)


def _has_break(breaks: set[int], lo: int, hi: int) -> bool:
    return any(lo <= b < hi for b in breaks)


def _in_scope(
    triggers: list[Match], i: int, window: int, breaks: set[int], *, allow_inside: bool = False
) -> bool:
    for t in triggers:
        if t.j <= i and i - t.j <= window and not _has_break(breaks, t.j, i):
            return True
        if allow_inside and t.i <= i < t.j:
            return True
    return False


def _background_factor(bg: list[Match], i: int, raw: list[str], eng: Engine) -> float:
    for b in bg:
        if b.j > i:
            continue
        if b.i <= 1 and "," in raw[b.j : i]:
            continue  # sentence-initial "After ..., X did Y": scope ends at the first comma
        return eng.background_factor
    return 1.0


def _quantity_at(norms: list[str], units: set[int], currency: list[Match]) -> int:
    """Index of the first number that counts as a quantity (with a unit, currency or noun)."""
    for m in currency:
        if m.j < len(norms) and norms[m.j][:1].isdigit():
            return m.j
    for k, n in enumerate(norms):
        if not n[:1].isdigit() or n in _YEAR_LIKE or k + 1 >= len(norms):
            continue
        before = norms[k - 1] if k else ""
        if before in _DATE_WORDS or before in _NOT_QUANTITY:
            continue
        nxt = norms[k + 1]
        if k + 1 in units or (nxt.isalpha() and nxt not in _DATE_WORDS and nxt not in _NOT_UNIT):
            return k
    return -1


class SentenceAnalyser:
    """Analyses sentences with a compiled engine; stateless between calls."""

    def __init__(self, eng: Engine) -> None:
        self.eng = eng

    def analyse(self, text: str, published: date | None) -> SentenceResult:
        """All findings of ``text``, resolving date expressions against ``published``."""
        eng = self.eng
        raw, norms = tokenize(text)
        res = SentenceResult(text=text)
        if not norms:
            return res
        layers: dict[str, list[Match]] = {}
        months = {k for k, t in enumerate(raw) if k and t in _CAPITAL_MONTHS}
        for m in eng.index.scan(norms):
            if months and m.i in months and m.layer in _VERB_LAYERS:
                continue  # "in May", "on March 28": a month, not a modal or a protest march
            layers.setdefault(m.layer, []).append(m)
        cb = eng.clause_breaks
        breaks = {k for k, t in enumerate(norms) if t in cb}
        neg = layers.get("neg", [])
        irr = layers.get("irrealis", [])
        self._direction(res, layers, raw, breaks, neg, irr)
        self._hedging(res, layers)
        self._clarity(res, layers, raw, norms, breaks, neg)
        self._entities(res, layers, raw)
        maybe_date = not _DATE_WORDS.isdisjoint(norms)
        dates = find_dates(text, published) if maybe_date else []
        res.has_date = any(d.kind != "year" for d in dates)
        if res.has_date:
            first = next(d for d in dates if d.kind != "year")
            tl = eng.clarity_classes["timeline"]
            res.clarity.append((tl, Finding(first.text, "clarity+", tl.points, tl.note)))
        if "reversion" in layers:
            self._reversion(res, layers["reversion"], raw, dates)
        return res

    def _direction(
        self,
        res: SentenceResult,
        layers: dict[str, list[Match]],
        raw: list[str],
        breaks: set[int],
        neg: list[Match],
        irr: list[Match],
    ) -> None:
        eng = self.eng
        objects = layers.get("object", [])
        bg = layers.get("background", [])
        consumed: set[int] = set()
        cues: list[tuple[Match, float, str, str]] = []  # match, weight, mode, label
        for p in layers.get("pivot", ()):
            obj = next(
                (
                    o
                    for o in objects
                    if p.j <= o.i <= p.j + FORWARD_OBJECT_WINDOW
                    and not _has_break(breaks, p.j, o.i)
                ),
                None,
            ) or next(
                (
                    o
                    for o in reversed(objects)
                    if p.i - BACKWARD_OBJECT_WINDOW <= o.j <= p.i
                    and not _has_break(breaks, o.j, p.i)
                ),
                None,
            )
            if obj is None:
                continue
            weight = eng.pivot_weights[f"{p.payload}_{obj.payload}"]
            lo, hi = min(p.i, obj.i), max(p.j, obj.j)
            consumed.update(range(lo, hi))
            label = f"{p.phrase} … {obj.phrase}" if obj.i >= p.j else f"{obj.phrase} … {p.phrase}"
            pm = Match(p.layer, p.payload, p.i, p.j, label)
            cues.append((pm, weight, "material", f"{p.payload} {obj.payload}"))
        for e in layers.get("event", ()):
            cue: EventCue = e.payload
            if cue.weight == 0.0 or any(k in consumed for k in range(e.i, e.j)):
                continue
            cues.append((e, cue.weight, cue.mode, f"{cue.code} {cue.name}"))
        for m, weight, mode, label in cues:
            w = weight
            notes = [label]
            if _in_scope(neg, m.i, eng.negation_window, breaks, allow_inside=True):
                w *= NEGATION_FACTOR
                notes.append("negated")
            elif mode == "material" and _in_scope(irr, m.i, eng.irrealis_window, breaks):
                w *= eng.irrealis_factor
                notes.append("not enacted")
            f = _background_factor(bg, m.i, raw, eng)
            if f != 1.0:
                w *= f
                notes.append("background")
            kind: EvidenceKind = "escalation" if w > 0 else "de-escalation"
            res.direction.append(Finding(m.phrase, kind, round(w, 2), "; ".join(notes)))

    def _hedging(self, res: SentenceResult, layers: dict[str, list[Match]]) -> None:
        score = sum(float(m.payload) for m in layers.get("hedge", ()))
        score -= 0.3 * len(layers.get("certainty", ()))
        res.hedge = score
        res.hedged = score >= self.eng.hedge_threshold

    def _clarity(
        self,
        res: SentenceResult,
        layers: dict[str, list[Match]],
        raw: list[str],
        norms: list[str],
        breaks: set[int],
        neg: list[Match],
    ) -> None:
        eng = self.eng
        classes = eng.clarity_classes
        for m in layers.get("clarity", ()):
            cc: ClarityCue = m.payload
            if cc.points > 0 and _in_scope(neg, m.i, eng.negation_window, breaks):
                continue
            kind: EvidenceKind = "clarity+" if cc.points > 0 else "clarity-"
            res.clarity.append((cc, Finding(m.phrase, kind, cc.points, cc.note)))
            if cc.name == "withheld":
                low = res.text.lower()
                for what, words in _WITHHELD_TOPICS.items():
                    if any(w in low for w in words):
                        res.withheld.add(what)
            elif cc.name == "conditional":
                tail: list[str] = []
                for tok in raw[m.j : m.j + MAX_CONDITION_TOKENS]:
                    if tok in PUNCT:
                        break
                    tail.append(tok)
                if tail:
                    res.conditions.append(" ".join(tail))
        units = {m.i for m in layers.get("unit", [])}
        k = _quantity_at(norms, units, layers.get("currency", []))
        if k >= 0:
            res.has_quantity = True
            q = classes["quantity"]
            res.clarity.append((q, Finding(" ".join(raw[k : k + 2]), "clarity+", q.points, q.note)))
        dest_words = eng.destination_words
        if layers.get("topic") or res.direction:
            for m in layers.get("actor", []):
                k = m.i - 1 if m.i and norms[m.i - 1] not in ("the", "a") else m.i - 2
                if k >= 0 and norms[k] in dest_words:
                    res.has_destination = True
                    dest = classes["destination"]
                    phrase = " ".join(raw[k : m.j])
                    res.clarity.append((dest, Finding(phrase, "clarity+", dest.points, dest.note)))
                    break
        for f in res.direction:
            if "negated" not in f.note and "not enacted" not in f.note and abs(f.contribution) >= 5:
                mat = classes["material"]
                res.clarity.append((mat, Finding(f.cue, "clarity+", mat.points, mat.note)))
                break

    def _entities(
        self, res: SentenceResult, layers: dict[str, list[Match]], raw: list[str]
    ) -> None:
        for m in layers.get("actor", ()):
            a: ActorCue = m.payload
            if a.caps and not all(is_acronym(t) for t in raw[m.i : m.j]):
                continue
            if a.code not in res.actors:
                res.actors.append(a.code)
        for m in layers.get("topic", ()):
            if m.payload not in res.topics:
                res.topics.append(str(m.payload))

    def _reversion(
        self,
        res: SentenceResult,
        matches: list[Match],
        raw: list[str],
        dates: list[DateMention],
    ) -> None:
        cue = next((m for m in matches if m.payload), matches[0])
        resolved = min(
            (d for d in dates if d.date is not None),
            key=lambda d: (_DATE_PRIORITY.get(d.kind, 9), d.start),
            default=None,
        )
        if not (cue.payload or resolved):
            return
        phrase = " ".join(raw[max(0, cue.i - 3) : cue.j + 3])
        if resolved is not None and resolved.text.lower() not in phrase.lower():
            phrase = f"{phrase} … {resolved.text}"
        res.reversion = Reversion(phrase, resolved.date if resolved else None, bool(cue.payload))

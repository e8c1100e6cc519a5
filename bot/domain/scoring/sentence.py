"""Findings of one sentence: events with direction, hedges, clarity cues, actors, topics, snap-backs.

Events follow the CAMEO/PLOVER root categories with a flipped Goldstein-like weight. A pivot verb
(lift, suspend, impose, resume, ...) takes its direction from its object (lifting *sanctions*
de-escalates, suspending *talks* escalates). Negation in the same clause flips and weakens a cue,
irrealis framing (plans, threats, offers, conditionals) weakens a material cue, and cues inside a
background clause (after ..., amid ...) count for less than the main event.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from datetime import date
from itertools import compress

from bot.domain.models import EvidenceKind

from .dates import DATE_WORDS as _DATE_WORDS
from .dates import YEAR_LIKE as _YEAR_LIKE
from .dates import DateMention, date_kinds, find_dates
from .engine import ActorCue, ClarityCue, Engine, EventCue
from .lexicon import PUNCT, Match, is_acronym
from .text import Tokens, render

NEGATION_FACTOR = -0.5
REPORTED_FACTOR = 0.1
_ABSENCE = frozenset(("no", "without", "neither", "nor"))
SECONDARY_DECAY = 0.5
"""Each further secondary cue of a sentence counts half the one before (sub-additive)."""
SUBORDINATE_FACTOR = 0.3
"""Cues after the first event of a sentence (its main verb in a wire lead, usually) count less:
"X rejected an offer to host talks" is a rejection, "Y urged Z to stop attacks" an appeal."""
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
_CAPITAL_MONTHS = frozenset({"May", "March"})
_VERB_LAYERS = frozenset({"event", "hedge", "irrealis", "pivot", "clarity"})
_NOT_QUANTITY = frozenset(
    ["no", "nos", "number", "section", "article", "announcement", "order", "rule", "decree"]
)
_CURRENCY_SIGNS = frozenset(("$", "€", "£", "¥", "us$"))
_NOT_UNIT = frozenset(["of", "and", "or", "to", "in", "on", "at", "by"])
_DATE_PRIORITY = {"iso": 0, "mdy": 0, "dmy": 0, "month": 1, "relative": 2, "span": 2, "year": 3}
_DIGIT = re.compile(r"\d")


@dataclass(slots=True)
class Finding:
    """One cue in a sentence with its kind, signed contribution and a short note."""

    cue: str
    kind: EvidenceKind
    contribution: float
    note: str = ""
    material: bool = False


@dataclass(slots=True)
class Reversion:
    """A snap-back cue: readable phrase, resolved date (if any), and whether it stands alone."""

    phrase: str
    date: date | None
    strong: bool


class SentenceResult:
    """Everything the item-level scorer needs from one sentence (a plain slotted class: one is
    built per sentence, and a dataclass's default factories cost more than the analysis of many)."""

    __slots__ = (
        "actors",
        "clarity",
        "conditions",
        "deescalation",
        "direction",
        "escalation",
        "has_date",
        "has_destination",
        "has_quantity",
        "hedge",
        "hedged",
        "reversion",
        "text",
        "topics",
        "withheld",
    )  # fmt: skip

    def __init__(self, text: str) -> None:
        self.text = text
        self.direction: list[Finding] = []
        self.clarity: list[tuple[ClarityCue, Finding]] = []
        self.hedge = 0.0
        self.hedged = False
        self.actors: list[str] = []
        self.topics: list[str] = []
        self.reversion: Reversion | None = None
        self.conditions: list[str] = []
        self.withheld: set[str] = set()
        self.has_quantity = False
        self.has_date = False
        self.has_destination = False
        self.escalation = 0.0
        self.deescalation = 0.0


def _has_break(breaks: list[int], lo: int, hi: int) -> bool:
    """Whether a clause break lies in [lo, hi) (``breaks`` is sorted)."""
    if not breaks:
        return False
    k = bisect_left(breaks, lo)
    return k < len(breaks) and breaks[k] < hi


def _in_scope(
    triggers: list[Match], i: int, window: int, breaks: list[int], *, allow_inside: bool = False
) -> Match | None:
    """The trigger (negation, modality) whose scope covers token ``i``, if any."""
    for t in triggers:
        if t.j <= i and i - t.j <= window and not _has_break(breaks, t.j, i):
            return t
        if allow_inside and t.i <= i < t.j:
            return t
    return None


def _object_of(p: Match, objects: list[Match], breaks: list[int]) -> Match | None:
    """The object a pivot verb acts on: the nearest one after it in its clause, else before it."""
    for o in objects:
        if p.j <= o.i <= p.j + FORWARD_OBJECT_WINDOW and not _has_break(breaks, p.j, o.i):
            return o
    for k in range(len(objects) - 1, -1, -1):
        o = objects[k]
        if p.i - BACKWARD_OBJECT_WINDOW <= o.j <= p.i and not _has_break(breaks, o.j, p.i):
            return o
    return None


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

    def analyse(self, text: str, tokens: Tokens, published: date | None) -> SentenceResult:
        """All findings of ``text`` (tokenised), resolving date expressions against ``published``."""
        eng = self.eng
        raw, norms = tokens
        res = SentenceResult(text=text)
        if not norms:
            return res
        layers = eng.index.scan(norms)
        if not layers:
            return res
        if "May" in raw or "March" in raw:
            months = {k for k, t in enumerate(raw) if k and t in _CAPITAL_MONTHS}
            for layer in _VERB_LAYERS.intersection(layers):
                # "in May", "on March 28": a month, not a modal or a protest march
                layers[layer] = [m for m in layers[layer] if m.i not in months]
        cb = eng.clause_breaks
        breaks = list(compress(range(len(norms)), map(cb.__contains__, norms)))
        neg = layers.get("neg", [])
        irr = layers.get("irrealis", [])
        self._direction(res, layers, raw, breaks, neg, irr)
        self._hedging(res, layers)
        self._clarity(res, layers, raw, norms, breaks, neg)
        self._entities(res, layers, raw)
        dates = (
            find_dates(text, published, kinds) if (kinds := date_kinds(text, raw, norms)) else []
        )
        res.has_date = any(d.kind != "year" for d in dates)
        if res.has_date:
            first = next(d for d in dates if d.kind != "year")
            tl = eng.clarity_classes["timeline"]
            res.clarity.append((tl, Finding(first.text, "clarity+", tl.points, tl.note)))
        if "reversion" in layers:
            bg = layers.get("background", [])
            current = [
                m
                for m in layers["reversion"]
                if not bg or _background_factor(bg, m.i, raw, eng) == 1
            ]
            if current:
                self._reversion(res, current, raw, dates)
        return res

    def _direction(
        self,
        res: SentenceResult,
        layers: dict[str, list[Match]],
        raw: list[str],
        breaks: list[int],
        neg: list[Match],
        irr: list[Match],
    ) -> None:
        eng = self.eng
        if "event" not in layers and "pivot" not in layers:
            return
        objects = layers.get("object", [])
        bg = layers.get("background", [])
        consumed: set[int] = set()
        cues: list[tuple[Match, float, str, str]] = []  # match, weight, mode, label
        for p in layers.get("pivot", ()):
            obj = _object_of(p, objects, breaks)
            if obj is None:
                continue
            # noun compounds take their head: "export-control dialogue" is a dialogue
            obj = next((o for o in objects if o.i == obj.j and o.i > p.i), obj)
            weight = eng.pivot_weights[f"{p.payload}_{obj.payload}"]
            lo, hi = min(p.i, obj.i), max(p.j, obj.j)
            consumed.update(range(lo, hi))
            label = f"{p.phrase} … {obj.phrase}" if obj.i >= p.j else f"{obj.phrase} … {p.phrase}"
            pm = Match(p.layer, p.payload, p.i, p.j, label)
            cues.append((pm, weight, "material", f"{p.payload} {obj.payload}"))
        for e in layers.get("event", ()):
            cue: EventCue = e.payload
            if consumed and not consumed.isdisjoint(range(e.i, e.j)):
                continue
            cues.append((e, cue.weight, cue.mode, cue.label))
        if len(cues) > 1:
            cues.sort(key=lambda c: c[0].i)
        # a leading public statement (denied, declined to comment) reports what follows
        secondary = REPORTED_FACTOR if cues and cues[0][1] == 0.0 else SUBORDINATE_FACTOR
        for rank, (m, weight, mode, label) in enumerate(cues):
            if weight == 0.0:
                continue
            w = weight
            notes = [label]
            if rank:
                w *= secondary * SECONDARY_DECAY ** (rank - 1)
                notes.append("secondary")
            if neg and (t := _in_scope(neg, m.i, eng.negation_window, breaks, allow_inside=True)):
                # "did not lift" flips a move; "no agreement" only denies that one exists
                if t.phrase in _ABSENCE:
                    continue
                w *= NEGATION_FACTOR
                notes.append("negated")
            elif irr and mode == "material" and _in_scope(irr, m.i, eng.irrealis_window, breaks):
                w *= eng.irrealis_factor
                notes.append("not enacted")
            if bg and (f := _background_factor(bg, m.i, raw, eng)) != 1.0:
                w *= f
                notes.append("background")
            kind: EvidenceKind = "escalation" if w > 0 else "de-escalation"
            enacted = mode == "material" and len(notes) == 1
            note = label if len(notes) == 1 else "; ".join(notes)
            res.direction.append(Finding(m.phrase, kind, round(w, 2), note, enacted))
            if w > 0:
                res.escalation += w
            else:
                res.deescalation -= w

    def _hedging(self, res: SentenceResult, layers: dict[str, list[Match]]) -> None:
        strengths = [float(m.payload) for m in layers.get("hedge", ())]
        if not strengths:
            return
        score = sum(strengths) - 0.3 * len(layers.get("certainty", ()))
        res.hedge = score
        # a full-strength cue (may, might, suggest, whether) is not cancelled by a booster
        res.hedged = score >= self.eng.hedge_threshold or max(strengths) >= 1.0

    def _clarity(
        self,
        res: SentenceResult,
        layers: dict[str, list[Match]],
        raw: list[str],
        norms: list[str],
        breaks: list[int],
        neg: list[Match],
    ) -> None:
        eng = self.eng
        classes = eng.clarity_classes
        bg = layers.get("background", [])
        for m in layers.get("clarity", ()):
            cc: ClarityCue = m.payload
            if cc.points > 0 and _in_scope(neg, m.i, eng.negation_window, breaks):
                continue
            if cc.name == "reversible" and bg and _background_factor(bg, m.i, raw, eng) != 1.0:
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
        k = -1
        if _DIGIT.search(res.text):
            units = {m.i for m in layers.get("unit", [])}
            k = _quantity_at(norms, units, layers.get("currency", []))
        if k >= 0:
            res.has_quantity = True
            q = classes["quantity"]
            if k and norms[k - 1] in _CURRENCY_SIGNS:
                k -= 1  # "$ 3bn" -> "$3bn"
            res.clarity.append((q, Finding(render(raw[k : k + 2]), "clarity+", q.points, q.note)))
        dest_words = eng.destination_words
        if layers.get("topic") or res.direction:
            for m in layers.get("actor", []):
                k = m.i - 1 if m.i and norms[m.i - 1] not in ("the", "a") else m.i - 2
                if k >= 0 and norms[k] in dest_words:
                    res.has_destination = True
                    dest = classes["destination"]
                    phrase = render(raw[k : m.j])
                    res.clarity.append((dest, Finding(phrase, "clarity+", dest.points, dest.note)))
                    break
        for f in res.direction:
            if f.material and abs(f.contribution) >= 5:
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
        phrase = render(raw[max(0, cue.i - 3) : cue.j + 3])
        if resolved is not None and resolved.text.lower() not in phrase.lower():
            phrase = f"{phrase} … {resolved.text}"
        res.reversion = Reversion(phrase, resolved.date if resolved else None, bool(cue.payload))

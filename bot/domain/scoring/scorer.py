"""RuleScorer: turns an Article into an Assessment (direction, clarity, hedging, snap-back, evidence).

Sentence findings are combined into an item verdict: weighted escalation and de-escalation totals
give a score in −10…+10 and a label (``mixed`` when strong cues pull both ways across sentences);
clarity starts from a base and moves with capped cue classes; what a commitment would need and the
item lacks is listed in plain words.
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date

from bot.domain.models import (
    Article,
    Assessment,
    ClarityBand,
    EvidenceKind,
    Label,
    ReversionRisk,
)

from .engine import Engine, engine
from .sentence import SentenceAnalyser, SentenceResult
from .text import MAX_SENTENCE_CHARS, split_sentences, tokenize_all

TITLE_WEIGHT = 1.2
LEAD_SENTENCES = 3
LATE_WEIGHT = 0.7
LABEL_THRESHOLD = 1.0
MIXED_MIN = 4.0
MIXED_RATIO = 0.5
HEDGED_SHARE = 0.4
SCORE_SCALE = 12.0
"""net strength -> score: 10·tanh(net / SCORE_SCALE); one enacted move lands near ±5, and only
several strong moves in the same direction approach ±10."""
CLARITY_DAMPING = 0.35
"""At clarity 0 the direction strength is scaled by 1 - CLARITY_DAMPING; at 100 it is unscaled."""
HEDGED_WEIGHT = 0.75
"""Direction cues of a hedged sentence (may, reportedly, plans to) count this much."""
DECAY = 0.5
"""Sub-additive combination: the k-th strongest sentence of a direction counts DECAY**k."""
MAX_EVIDENCE = 30
MAX_SUMMARY_SENTENCES = 3


_Ev = tuple[float, str, str, EvidenceKind, float, str]
"""Evidence before it becomes a model: sort key, cue, sentence, kind, contribution, note."""
_EvDict = dict[str, str | float]


class RuleScorer:
    """Scores articles with the versioned lexicons in ``lexicons/``; safe to share across threads."""

    def __init__(self) -> None:
        self._engine: Engine = engine()
        self._analyser = SentenceAnalyser(self._engine)

    def score(self, article: Article) -> Assessment:
        """The assessment of ``article``; never raises on odd input (falls back to neutral)."""
        try:
            return self._score(article)
        except (ValueError, IndexError, KeyError, TypeError, OverflowError, RecursionError):
            return _empty()

    def _score(self, article: Article) -> Assessment:
        published = article.published.date() if article.published else None
        title = " ".join(article.title.split())[:MAX_SENTENCE_CHARS]
        units: list[tuple[SentenceResult, float]] = []
        sentences = split_sentences(article.text)
        weights = [1.0 if k < LEAD_SENTENCES else LATE_WEIGHT for k in range(len(sentences))]
        if title:
            sentences.insert(0, title)
            weights.insert(0, TITLE_WEIGHT)
        analyse = self._analyser.analyse
        for s, toks, w in zip(sentences, tokenize_all(sentences), weights, strict=True):
            units.append((analyse(s, toks, published), w))
        if not units:
            return _empty()
        esc = _combine([r.escalation * w for r, w in units if r.escalation])
        desc = _combine([r.deescalation * w for r, w in units if r.deescalation])
        label = _label(esc, desc, esc - desc, units)
        evidence: list[_Ev] = []
        clarity = self._clarity(units, evidence)
        # the size of the move: hedged sentences count less, and a vague signal moves the needle
        # less than the same move made binding (the label above does not depend on either)
        net = _combine(
            [r.escalation * w * _certainty(r) for r, w in units if r.escalation]
        ) - _combine([r.deescalation * w * _certainty(r) for r, w in units if r.deescalation])
        if net * (esc - desc) < 0:  # hedging must not flip the sign of the label
            net = esc - desc
        strength = net * (1.0 - CLARITY_DAMPING * (1.0 - clarity / 100.0))
        score = round(10.0 * math.tanh(strength / SCORE_SCALE), 2)
        actors = _ranked([a for r, _ in units for a in r.actors])
        topics = _ranked([t for r, _ in units for t in r.topics])
        for r, w in units:
            for f in r.direction:
                c = round(f.contribution * w, 2)
                evidence.append((abs(c), f.cue, r.text, f.kind, c, f.note))
        reversion = _reversion(units, evidence)
        evidence.sort(key=lambda e: -e[0])
        top = [_ev(*e[1:]) for e in evidence[:MAX_EVIDENCE]]
        if len(top) < MAX_EVIDENCE:
            top.extend(_relevance_evidence(units, actors, topics)[: MAX_EVIDENCE - len(top)])
        # one validation pass in pydantic-core is cheaper than building each Evidence in Python
        return Assessment.model_validate(
            {
                "relevant": bool(actors) and bool(topics),
                "label": label,
                "escalation": max(-10.0, min(10.0, score)),
                "clarity": clarity,
                "clarity_band": ClarityBand.for_score(clarity),
                "hedged": _hedged(units),
                "missing": _missing(units),
                "reversion_risk": reversion,
                "topics": topics,
                "actors": actors,
                "evidence": top,
                "summary": _summary(units, bool(title)),
            }
        )

    def _clarity(self, units: list[tuple[SentenceResult, float]], evidence: list[_Ev]) -> int:
        totals: dict[str, float] = {}
        for r, _ in units:
            for cc, f in r.clarity:
                if _add(totals, cc.name, cc.points, cc.cap):
                    evidence.append((abs(cc.points), f.cue, r.text, f.kind, cc.points, f.note))
        value = self._engine.clarity_base + sum(totals.values())
        return round(max(0.0, min(100.0, value)))


def _certainty(r: SentenceResult) -> float:
    return HEDGED_WEIGHT if r.hedged else 1.0


def _combine(values: list[float]) -> float:
    """Strongest first, each further one counting DECAY times the previous weight."""
    if len(values) < 2:
        return values[0] if values else 0.0
    values.sort(reverse=True)
    total, k = 0.0, 1.0
    for v in values:
        total += v * k
        k *= DECAY
    return total


def _add(totals: dict[str, float], name: str, pts: float, cap: float) -> bool:
    new = totals.get(name, 0.0) + pts
    if (pts > 0 and new > cap) or (pts < 0 and new < cap):
        return False
    totals[name] = new
    return True


def _ev(cue: str, sentence: str, kind: EvidenceKind, contribution: float, note: str) -> _EvDict:
    # validated with the Assessment, in one pass
    return {
        "cue": cue,
        "sentence": sentence,
        "kind": kind,
        "contribution": float(contribution),
        "note": note,
    }


def _empty() -> Assessment:
    return Assessment(
        relevant=False,
        label=Label.NEUTRAL,
        escalation=0.0,
        clarity=0,
        clarity_band=ClarityBand.SIGNAL,
        hedged=False,
    )


def _label(esc: float, desc: float, net: float, units: list[tuple[SentenceResult, float]]) -> Label:
    both = min(esc, desc) >= MIXED_MIN and min(esc, desc) / max(esc, desc) >= MIXED_RATIO
    if both:
        esc_sentences = sum(1 for r, _ in units if r.escalation > r.deescalation)
        desc_sentences = sum(1 for r, _ in units if r.deescalation > r.escalation)
        if esc_sentences and desc_sentences:
            return Label.MIXED
    if net >= LABEL_THRESHOLD:
        return Label.ESCALATION
    if net <= -LABEL_THRESHOLD:
        return Label.DEESCALATION
    return Label.NEUTRAL


def _ranked(items: list[str]) -> list[str]:
    """Most frequent first, ties in order of first mention (a Counter keeps that order and the
    sort is stable)."""
    counts = Counter(items)
    return sorted(counts, key=lambda x: -counts[x])


def _hedged(units: list[tuple[SentenceResult, float]]) -> bool:
    if len(units) == 1:
        return units[0][0].hedged
    salient = [r for r, _ in units if r.direction or r.clarity] or [r for r, _ in units]
    return sum(1 for r in salient if r.hedged) / len(salient) >= HEDGED_SHARE


def _missing(units: list[tuple[SentenceResult, float]]) -> list[str]:
    results = [r for r, _ in units]
    withheld = set().union(*(r.withheld for r in results))
    classes = {cc.name for r in results for cc, _ in r.clarity}
    out: list[str] = []
    if "volumes" in withheld or not any(r.has_quantity for r in results):
        out.append("no volumes")
    if "destinations" in withheld or not any(r.has_destination for r in results):
        out.append("no destinations")
    if "timeline" in withheld or not any(r.has_date for r in results):
        out.append("no timeline")
    if "instrument" not in classes:
        out.append("no formal instrument")
    elif "enforcement" not in classes:
        out.append("no enforcement mechanism")
    if "anonymous" in classes and "attribution" not in classes:
        out.append("no on-record attribution")
    seen: set[str] = set()
    for r in results:
        for cond in r.conditions:
            text = f"conditional on {cond}"
            if text not in seen and len(seen) < 2:
                seen.add(text)
                out.append(text)
    return out


def _reversion(
    units: list[tuple[SentenceResult, float]], evidence: list[_Ev]
) -> ReversionRisk | None:
    dated = [(r, r.reversion) for r, _ in units if r.reversion and r.reversion.date]
    strong = [(r, r.reversion) for r, _ in units if r.reversion and r.reversion.strong]
    picks = dated or strong
    if not picks:
        return None
    r, rev = picks[0]
    assert rev is not None
    when: date | None = rev.date
    evidence.append((0.0, rev.phrase, r.text, "reversion", 0.0, when.isoformat() if when else ""))
    return ReversionRisk(phrase=rev.phrase, date=when)


def _relevance_evidence(
    units: list[tuple[SentenceResult, float]], actors: list[str], topics: list[str]
) -> list[_EvDict]:
    out: list[_EvDict] = []
    for name, wanted in (("actor", actors[:3]), ("topic", topics[:3])):
        for code in wanted:
            r = next(r for r, _ in units if code in (r.actors if name == "actor" else r.topics))
            out.append(_ev(code, r.text, "relevance", 0.0, name))
    return out


def _summary(units: list[tuple[SentenceResult, float]], has_title: bool) -> str:
    body = [r for r, _ in units[1:]] if has_title and len(units) > 1 else [r for r, _ in units]
    sal = [
        r.escalation + r.deescalation + sum(abs(f.contribution) or 5.0 for _, f in r.clarity)
        for r in body
    ]
    ranked = sorted(range(len(body)), key=lambda k: (-sal[k], k))
    keep = sorted({0, *[k for k in ranked if sal[k] > 0][: MAX_SUMMARY_SENTENCES - 1]})
    return " ".join(body[k].text for k in keep[:MAX_SUMMARY_SENTENCES])

"""RuleScorer: turns an Article into an Assessment (direction, clarity, hedging, snap-back, evidence).

The sentences' findings are tallied (``tally.py``), then the verdict is taken in named steps: the
label (``mixed`` when strong cues pull both ways across sentences), clarity (a base moved by capped
cue classes), the score in −10…+10, the scope (``relevance.py``), the evidence, hedging and what a
commitment would need and the item lacks (codes of the ``[missing]`` table).
"""

from __future__ import annotations

import math
from collections import Counter
from datetime import date
from functools import lru_cache
from operator import itemgetter
from typing import Final

from bot.domain.models import (
    Article,
    Assessment,
    ClarityBand,
    EvidenceKind,
    Label,
    ReversionRisk,
)

from .engine import Engine, engine
from .findings import SentenceResult
from .lexicon import PAYLOAD, PHRASE, load
from .relevance import Scope, judge
from .sentence import SentenceAnalyser
from .tally import Ev as _Ev
from .tally import Roles as _Roles
from .tally import Tally, lead_of, tally
from .text import MAX_SENTENCE_CHARS, split_sentences, tokenize_all

_ITEM: Final = load("settings.toml")["item"]
"""The numbers that combine sentences into an item verdict (see ``lexicons/settings.toml``)."""
LABEL_THRESHOLD: Final = float(_ITEM["label_threshold"])
MIXED_MIN: Final = float(_ITEM["mixed_min"])
MIXED_RATIO: Final = float(_ITEM["mixed_ratio"])
HEDGED_SHARE: Final = float(_ITEM["hedged_share"])
SCORE_SCALE: Final = float(_ITEM["score_scale"])
CLARITY_DAMPING: Final = float(_ITEM["clarity_damping"])
DECAY: Final = float(_ITEM["decay"])
MAX_EVIDENCE: Final = 30
MAX_SUMMARY_SENTENCES: Final = 3
MAX_RELEVANCE_EVIDENCE: Final = 4


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
        sentences = split_sentences(article.text)
        if title:
            sentences.insert(0, title)
        if not sentences:
            return _empty()
        analyse = self._analyser.analyse
        tokens = tokenize_all(sentences)
        results = [analyse(s, toks, published) for s, toks in zip(sentences, tokens, strict=True)]
        find = self._engine.frame_index.find
        for r, (_, norms) in zip(results[: lead_of(bool(title))], tokens, strict=False):
            # what the item is about when it is no move: read in its heading and lead
            if found := find(norms).get("frame"):
                r.frames = [(m[PAYLOAD], m[PHRASE]) for m in found]
        return self._assess(results, bool(title))

    def _assess(self, results: list[SentenceResult], has_title: bool) -> Assessment:
        """The tally of the sentences, then the verdict in named steps (validated once)."""
        t = tally(results, has_title)
        esc, desc = _combine(t.esc), _combine(t.desc)
        label = _label(esc, desc, esc - desc, t.n_esc, t.n_desc)
        clarity = _clarity(self._engine.clarity_base, t)
        escalation = _escalation(t, esc - desc, clarity)
        scope = judge(results, has_title, t.lead, self._engine.scope)
        evidence = t.clarity_evidence
        evidence.extend(t.direction_evidence)
        reversion = _reversion(results, evidence)
        evidence.sort(key=_first, reverse=True)
        top: list[_EvDict] = []
        for _, cue, sentence, kind, contribution, note, roles in _distinct(evidence):
            # _ev() written out: the dictionary pydantic validates (a move's roles when known)
            ev: _EvDict = {
                "cue": cue,
                "sentence": sentence,
                "kind": kind,
                "contribution": float(contribution),
                "note": note,
            }
            if roles is not None:
                if roles[0]:
                    ev["actor"] = roles[0]
                if roles[1]:
                    ev["target"] = roles[1]
            top.append(ev)
        if len(top) < MAX_EVIDENCE:
            top.extend(_relevance_evidence(scope)[: MAX_EVIDENCE - len(top)])
        mover = t.mover
        # one validation pass in pydantic-core is cheaper than building each Evidence in Python
        return Assessment.model_validate(
            {
                "relevant": scope.relevant,
                "relevance": scope.relevance,
                "out_of_scope": scope.reason,
                "reading": {"label": label, "escalation": escalation},
                "label": label if scope.relevant else Label.NEUTRAL,
                "escalation": escalation if scope.relevant else 0.0,
                "clarity": clarity,
                "clarity_band": ClarityBand.for_score(clarity),
                "hedged": _hedged(t, results),
                "missing": _missing(t),
                "reversion_risk": reversion,
                "topics": _ranked(t.topics),
                "actors": _ranked(t.actors),
                "evidence": top,
                "summary": _summary(results, t.salience, has_title),
                "dyad": {"actor": mover[1], "target": mover[2]} if mover[1] else None,
            }
        )


def _clarity(base: float, t: Tally) -> int:
    """Clarity 0…100: the base moved by each cue class's capped points (the elements), times how
    firmly the item states them (``certainty.py``): the mean certainty factor of its salient
    sentences or, without any, of all."""
    elements = max(0.0, min(100.0, base + sum(t.clarity_totals.values())))
    total, weight = t.certainty if t.certainty[1] else t.certainty_all
    factor = total / weight if weight else 1.0
    return round(min(100.0, elements * factor))


def _escalation(t: Tally, net_label: float, clarity: int) -> float:
    """The score −10…+10: the size of the move, where hedged sentences count less and a vague
    signal moves the needle less than the same move made binding (the label does not depend on
    either)."""
    net = _combine(t.esc_hedged) - _combine(t.desc_hedged)
    if net * net_label < 0.0:  # hedging must not flip the sign of the label
        net = net_label
    strength = net * (1.0 - CLARITY_DAMPING * (1.0 - clarity / 100.0))
    score = round(10.0 * math.tanh(strength / SCORE_SCALE), 2)
    return max(-10.0, min(10.0, score))


def _hedged(t: Tally, results: list[SentenceResult]) -> bool:
    """A single sentence is hedged as it reads; an item when enough of its salient sentences are
    (or, without salient ones, enough of all)."""
    if len(results) == 1:
        return results[0].hedged
    if t.n_salient:
        return t.n_salient_hedged / t.n_salient >= HEDGED_SHARE
    return t.n_hedged / len(results) >= HEDGED_SHARE


_first = itemgetter(0)
"""The sort key of an evidence entry (its strength)."""


def _distinct(evidence: list[_Ev]) -> list[_Ev]:
    """The first MAX_EVIDENCE entries with one per cue and kind (the list is sorted strongest
    first, so the strongest stays): a cue repeated in title and body, or twice in the text, is
    listed once, and so is a cue in another inflection ("imposed" after "imposes"). Scores are
    untouched."""
    seen: set[tuple[str, str, str]] = set()
    add = seen.add
    out: list[_Ev] = []
    for e in evidence:
        # a cue that counts for two clarity classes ("the ministry's notice": an instrument on
        # the record) is listed once for each
        key = (_stem(e[1]), e[3], e[5] if e[3][0] == "c" else "")
        if key not in seen:
            add(key)
            out.append(e)
            if len(out) == MAX_EVIDENCE:
                break
    return out


_SUFFIXES: Final = ("ing", "ed", "es", "s", "d", "e")


@lru_cache(maxsize=8192)
def _stem(cue: str) -> str:
    """The cue in lower case with a regular inflection cut from each word (for comparison only)."""
    words = cue.lower().split()
    for k, w in enumerate(words):
        for suffix in _SUFFIXES:
            if w.endswith(suffix) and len(w) > len(suffix) + 2:
                words[k] = w[: -len(suffix)]
                break
    return " ".join(words)


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


def _ev(
    cue: str,
    sentence: str,
    kind: EvidenceKind,
    contribution: float,
    note: str,
    roles: _Roles = None,
) -> _EvDict:
    # validated with the Assessment, in one pass
    out: _EvDict = {
        "cue": cue,
        "sentence": sentence,
        "kind": kind,
        "contribution": float(contribution),
        "note": note,
    }
    if roles is not None:
        actor, target = roles
        if actor:
            out["actor"] = actor
        if target:
            out["target"] = target
    return out


def _empty() -> Assessment:
    return Assessment(
        relevant=False,
        label=Label.NEUTRAL,
        escalation=0.0,
        clarity=0,
        clarity_band=ClarityBand.SIGNAL,
        hedged=False,
    )


def _label(esc: float, desc: float, net: float, n_esc: int, n_desc: int) -> Label:
    """``n_esc``/``n_desc``: sentences leaning each way (a mixed label needs both)."""
    both = min(esc, desc) >= MIXED_MIN and min(esc, desc) / max(esc, desc) >= MIXED_RATIO
    if both and n_esc and n_desc:
        return Label.MIXED
    if net >= LABEL_THRESHOLD:
        return Label.ESCALATION
    if net <= -LABEL_THRESHOLD:
        return Label.DEESCALATION
    return Label.NEUTRAL


def _ranked(items: list[str]) -> list[str]:
    """Most frequent first, ties in order of first mention (the sort is stable, reversed too)."""
    counts = Counter(items)  # (counted in one pass in C, keyed in order of first mention)
    return sorted(counts, key=counts.__getitem__, reverse=True)


def _missing(t: Tally) -> list[_EvDict]:
    """What a commitment would need and the item lacks, as codes of the ``[missing]`` table."""
    out: list[_EvDict] = []
    if "volumes" in t.withheld or not t.quantity:
        out.append({"code": "volumes"})
    if "destinations" in t.withheld or not t.destination:
        out.append({"code": "destinations"})
    if "timeline" in t.withheld or not t.timeline:
        out.append({"code": "timeline"})
    if "instrument" not in t.classes:
        out.append({"code": "instrument"})
    elif "enforcement" not in t.classes:
        out.append({"code": "enforcement"})
    if "anonymous" in t.classes and "attribution" not in t.classes:
        out.append({"code": "on_record"})
    kept: list[frozenset[str]] = []
    for cond in t.conditions:
        if len(kept) == 2:
            break
        words = _content(cond)
        # one condition in two wordings ("talks progress", "trade talks making progress") is one
        if any(words <= k or k <= words for k in kept):
            continue
        kept.append(words)
        out.append({"code": "conditional", "detail": cond})
    return out


_FUNCTION: Final = frozenset(
    ("the", "a", "an", "of", "to", "in", "on", "and", "or", "its", "their", "that")
)


def _content(phrase: str) -> frozenset[str]:
    """The stems of a phrase's content words, for comparing two wordings."""
    return frozenset(_stem(w) for w in phrase.lower().split() if w not in _FUNCTION)


def _reversion(results: list[SentenceResult], evidence: list[_Ev]) -> ReversionRisk | None:
    # the first snap-back with a date, else the first strong one
    pick: SentenceResult | None = None
    for r in results:
        if (rev := r.reversion) is not None:
            if rev.date:
                pick = r
                break
            if pick is None and rev.strong:
                pick = r
    if pick is None:
        return None
    r, rev = pick, pick.reversion
    assert rev is not None
    when: date | None = rev.date
    phrase = rev.phrase
    evidence.append((0.0, phrase, r.text, "reversion", 0.0, when.isoformat() if when else "", None))
    return ReversionRisk(phrase=phrase, date=when)


def _relevance_evidence(scope: Scope) -> list[_EvDict]:
    """The cues that put the item in scope (strongest first) or, out of scope, its frame."""
    out: list[_EvDict] = []
    seen: set[str] = set()
    for c in sorted(scope.cues, key=lambda c: -abs(c.weight)):
        if c.cue.lower() not in seen and len(out) < MAX_RELEVANCE_EVIDENCE:
            seen.add(c.cue.lower())
            out.append(_ev(c.cue, c.sentence, "relevance", round(c.weight, 2), c.note))
    return out


def _summary(results: list[SentenceResult], salience: list[float], has_title: bool) -> str:
    """The lead sentence and the (at most two) most salient others, in text order."""
    if has_title and len(results) > 1:
        body, sal = results[1:], salience[1:]
    else:
        body, sal = results, salience
    # strongest first, ties in text order (the reversed sort is stable)
    ranked = sorted(range(len(body)), key=sal.__getitem__, reverse=True)
    # (ranked strongest first, the salient ones lead it: the first of it are the ones to read)
    keep = sorted({0, *[k for k in ranked[: MAX_SUMMARY_SENTENCES - 1] if sal[k] > 0.0]})
    return " ".join([body[k].text for k in keep[:MAX_SUMMARY_SENTENCES]])

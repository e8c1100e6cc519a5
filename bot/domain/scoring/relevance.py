"""Relevance as a judged scope: is the item about a move between states, or a state's own move on a
policy lever, and if not, what is it about.

A sentence is in scope when it names a state actor (not one inside a company name) and either a
policy lever ("tariffs", "export controls", "sanctions"), or a move (an event cue) made between two
states, or a state's move on a trade flow or exposed sector ("Canada will restrict steel imports").
The strengths of the in-scope sentences combine into a score; an out-of-scope frame that is the
story (company results in the title) costs part of it. Settings live in ``lexicons/scope.toml``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from .engine import ScopeSettings
from .findings import SentenceResult

NO_ACTOR = "no state actor named"
NO_MOVE = "no interstate or policy move"
MAX_CUES = 8
"""In-scope cues kept as evidence (all of them count in the score)."""


@dataclass(frozen=True, slots=True)
class Cue:
    """One cue of the judgement: the phrase, its sentence, what it showed and its weight (negative
    for an out-of-scope frame)."""

    cue: str
    sentence: str
    note: str
    weight: float


@dataclass(slots=True)
class Scope:
    """The judgement: a score in 0…1, whether it passes, the cues and, when out, the reason."""

    relevance: float = 0.0
    relevant: bool = False
    reason: str = ""
    cues: list[Cue] = field(default_factory=list)


def judge(results: Sequence[SentenceResult], has_title: bool, lead: int, s: ScopeSettings) -> Scope:
    """The scope of an item from its sentences (the title first when ``has_title``)."""
    cues: list[Cue] = []
    strengths: list[float] = []
    frames: Counter[str] = Counter()
    frame_cues: dict[str, Cue] = {}
    first_frame = first_hit = lead_frame = lead_hit = False
    any_actor = False
    heading: set[str] = set(results[0].actors) if results else set()
    for u, r in enumerate(results):
        if not (r.actors or r.frames or (heading and u < lead)):
            continue  # (most sentences of a long item: nothing to judge)
        w = (s.title_weight if has_title else 1.0) if u == 0 else 1.0 if u < lead else s.late_weight
        states = set(r.actors)
        any_actor = any_actor or bool(states)
        if not states and u < lead:
            states = heading  # wire copy names its actor once, in the heading, then refers back
        hit: Cue | None = None
        if states:
            move = (
                r.direction[0].cue if r.direction else r.policy_verbs[0] if r.policy_verbs else ""
            )
            if r.levers:
                hit = Cue(r.levers[0], r.text, "policy lever", w)
            elif move and len(states) > 1:
                hit = Cue(move, r.text, "move between states", w)
            elif move and r.sectors:
                hit = Cue(f"{move} … {r.sectors[0]}", r.text, "state move on a sector", w)
        if hit is not None:
            if len(cues) < MAX_CUES:
                cues.append(hit)
            strengths.append(w)
            first_hit = first_hit or u == 0
            lead_hit = lead_hit or u < lead
        if r.frames:
            for name, cue in r.frames:
                frames[name] += 2 if u == 0 else 1
                frame_cues.setdefault(name, Cue(cue, r.text, s.reasons.get(name, name), -1.0))
            first_frame = first_frame or u == 0
            lead_frame = lead_frame or u < lead
    raw = _combine(strengths, s.decay)
    frame = frames.most_common(1)[0][0] if frames else ""
    # the frame is the story when it heads the item, or fills the lead, without a move there
    if (first_frame and not first_hit) or (lead_frame and not lead_hit):
        raw = max(0.0, raw - s.frame_penalty)
    relevance = round(1.0 - 0.5**raw, 2)
    relevant = relevance >= s.threshold
    reason = ""
    if not relevant:
        if frame:
            reason = f"{NO_MOVE}: {s.reasons.get(frame, frame)}"
            cues.append(frame_cues[frame])
        else:
            reason = NO_MOVE if any_actor else NO_ACTOR
    return Scope(relevance, relevant, reason, cues)


def _combine(values: list[float], decay: float) -> float:
    total, k = 0.0, 1.0
    for v in sorted(values, reverse=True):
        total += v * k
        k *= decay
    return total

"""Relevance as a judged scope: is the item about a move between states, or a state's own move on a
policy lever, and if not, what is it about.

A sentence is in scope when it names a state actor (not one inside a company name) and either a
policy lever ("tariffs", "export controls", "sanctions"), or a move (an event cue, or a policy verb
on a trade flow) made between two states — the second may be named as a group ("its trading
partners") — or a state's move on a trade flow or exposed sector ("Canada will restrict steel
imports"). Lead sentences without a state take the heading's; a heading without one (an official's
name) takes the lead's.
The strengths of the in-scope sentences combine into a score; an out-of-scope frame that is the
story (company results in the title) costs part of it. Settings live in ``lexicons/scope.toml``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

from .engine import ScopeSettings
from .findings import CUE, SentenceResult
from .lexicon import load

NO_ACTOR: Final = "no state actor named"
NO_MOVE: Final = "no interstate or policy move"
MAX_CUES: Final = 8
"""In-scope cues kept as evidence (all of them count in the score)."""
_GROUPS: Final[list[str]] = load("scope.toml")["counterparts"]["phrases"]
_COUNTERPARTS: Final = re.compile(r"\b(?:" + "|".join(map(re.escape, _GROUPS)) + r")\b")
"""States named as a group ("trading partners"): a second state beside a named one."""
_GROUP_HEADS: Final = tuple({g.split()[-1] for g in _GROUPS})
"""Their last words: a sentence without any of them names no group (a cheap test first)."""
_WORD: Final = re.compile(r"[a-z]+")
_OPENING: Final = load("scope.toml")["market_opening"]
_OPEN_VERBS: Final = frozenset(_OPENING["verbs"])
_MARKETS: Final = frozenset(_OPENING["markets"])
_NOT_BETWEEN: Final = frozenset(_OPENING["not_between"])
_OPEN_WINDOW: Final = int(_OPENING["window"])
_NO_STATES: Final[list[str]] = []


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
    hits: list[tuple[str, str, str, float]] = []  # cue, sentence, rule, weight (the first few)
    strengths: list[float] = []
    frames: dict[str, int] = {}
    frame_cues: dict[str, Cue] = {}
    first_frame = first_hit = lead_frame = lead_hit = False
    any_actor = False
    heading = results[0].actors if results else _NO_STATES
    if not heading and len(results) > 1 and not _names_firm(results[0].text, s.suffixes):
        heading = results[1].actors  # a heading that names a person: the lead gives the office
    first_weight = s.title_weight if has_title else 1.0
    for u, r in enumerate(results):
        states = r.actors
        if states:
            any_actor = True
        elif heading and u < lead:
            states = heading  # wire copy names its actor once, in the heading, then refers back
        if states:
            w = first_weight if u == 0 else 1.0 if u < lead else s.late_weight
            hit: tuple[str, str, str, float] | None = None
            if r.levers:
                hit = (r.levers[0], r.text, "policy lever", w)
            elif ("arket" in r.text or "ARKET" in r.text) and (opening := _opens_market(r.text)):
                hit = (opening, r.text, "policy lever", w)  # "open its farm market"
            else:
                move = r.direction[0][CUE] if r.direction else ""
                if not move and r.policy_verbs:
                    move = r.policy_verbs[0]
                elif not move and len(states) > 1:
                    move = _policy_verb(r.text, s)  # "the EC will monitor Japanese car imports"
                if move and (len(states) > 1 or _names_group(r.text)):
                    hit = (move, r.text, "move between states", w)
                elif move and r.sectors:
                    hit = (f"{move} … {r.sectors[0]}", r.text, "state move on a sector", w)
            if hit is not None:
                if len(hits) < MAX_CUES:
                    hits.append(hit)
                strengths.append(w)
                if u < lead:
                    lead_hit = True
                    if u == 0:
                        first_hit = True
        if r.frames:
            for name, cue in r.frames:
                frames[name] = frames.get(name, 0) + (2 if u == 0 else 1)
                if name not in frame_cues:
                    frame_cues[name] = Cue(cue, r.text, s.reasons.get(name, name), -1.0)
            if u < lead:
                lead_frame = True
                if u == 0:
                    first_frame = True
    raw = _combine(strengths, s.decay)
    # the most frequent frame (the first met on a tie)
    frame = max(frames, key=frames.__getitem__) if frames else ""
    # the frame is the story when it heads the item, or fills the lead, without a move there
    if (first_frame and not first_hit) or (lead_frame and not lead_hit):
        raw = max(0.0, raw - s.frame_penalty)
    relevance = round(1.0 - 0.5**raw, 2)
    relevant = relevance >= s.threshold
    cues = [Cue(*h) for h in hits]
    reason = ""
    if not relevant:
        if frame:
            reason = f"{NO_MOVE}: {s.reasons.get(frame, frame)}"
            cues.append(frame_cues[frame])
        else:
            reason = NO_MOVE if any_actor else NO_ACTOR
    return Scope(relevance, relevant, reason, cues)


def _names_group(text: str) -> bool:
    """Whether a sentence names states as a group ("its trading partners")."""
    low = text.lower()
    return any(h in low for h in _GROUP_HEADS) and _COUNTERPARTS.search(low) is not None


def _opens_market(text: str) -> str:
    """A market opened with the product named between verb and noun ("will open its farm market",
    "opening the rice market"), unless a preposition or a price word stands between ("opened
    higher in thin markets")."""
    if "arket" not in text and "ARKET" not in text:
        return ""
    low = text.lower()
    if "open" not in low:
        return ""
    words = _WORD.findall(low)
    for k, w in enumerate(words):
        if w in _OPEN_VERBS:
            for j in range(k + 1, min(k + 2 + _OPEN_WINDOW, len(words))):
                if words[j] in _MARKETS:
                    return f"{w} … {words[j]}"
                if words[j] in _NOT_BETWEEN:
                    break
    return ""


def _policy_verb(text: str, s: ScopeSettings) -> str:
    """A policy verb acting on a trade flow or sector in a sentence that names two states (the
    sentence analysis reads them only where fewer states are named)."""
    words = _WORD.findall(text.lower())
    if s.sectors.isdisjoint(words):
        return ""
    return next((w for w in words if w in s.policy_verbs), "")


def _names_firm(text: str, suffixes: frozenset[str]) -> bool:
    """Whether a heading names a company ("<Ferro Corp>", "Acme Industries"): its subject is no
    official whose office the lead would give."""
    if "<" in text or "&lt;" in text:
        return True
    return any(w.strip(".,:;'\"").lower() in suffixes for w in text.split())


def _combine(values: list[float], decay: float) -> float:
    total, k = 0.0, 1.0
    for v in sorted(values, reverse=True):
        total += v * k
        k *= decay
    return total

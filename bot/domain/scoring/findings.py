"""What the analysis of one sentence hands to the item-level scorer."""

from __future__ import annotations

from typing import Final

from bot.domain.models import EvidenceKind

from .engine import ClarityCue
from .reversion import Reversion

_NO_CUES: Final[list[str]] = []
_NO_FRAMES: Final[list[tuple[str, str]]] = []
_NO_WITHHELD: Final[set[str]] = set()
_NO_MOVES: Final[list[Finding]] = []
"""Shared, never mutated: what a sentence without moves, entities, conditions, withheld details
or scope cues holds (the analysis assigns a new list or set when it has one)."""


ROUNDED: Final[dict[float, float]] = {}
"""``round(x, 2)`` of the contributions seen so far: the moves of any text carry one of a few
lexicon weights times a few factors, and a dictionary lookup costs a fraction of the rounding."""
_ROUNDED_LIMIT: Final = 16_384


def rounded(x: float) -> float:
    """``round(x, 2)``, remembered in ``ROUNDED`` (callers look there first:
    ``ROUNDED.get(x) or rounded(x)``, which rounds again where the result is zero). Zero is not
    remembered: 0.0 and -0.0 are one key, and each rounds to itself."""
    r = round(x, 2)
    if x and len(ROUNDED) < _ROUNDED_LIMIT:
        ROUNDED[x] = r
    return r


Finding = tuple[str, EvidenceKind, float, str, bool, str | None, str | None]
"""A move in a sentence: (cue, kind, contribution, note, material, actor, target), its kind and
signed contribution, a short note, whether it is an enacted material move, and the state that
makes it and the state it is aimed at (ISO or bloc codes, or None). A plain tuple, like ``Span``."""
CUE: Final = 0
CONTRIBUTION: Final = 2
NOTE: Final = 3
MATERIAL: Final = 4
"""Where the parts of a ``Finding`` read one by one stand."""

WHEN_CLASSES: Final = frozenset(("effective", "deadline"))
"""Clarity classes that give a date or deadline in words ("effective immediately", "next week")."""


_DEFAULTS: Final = (
    _NO_MOVES, 0.0, False, _NO_CUES, _NO_CUES, None, _NO_CUES, _NO_WITHHELD, False, False, False,
    False, 0.0, 0.0, False, _NO_CUES, _NO_CUES, _NO_CUES, _NO_FRAMES,
)  # fmt: skip
"""What a sentence holds before its analysis, in the order ``SentenceResult`` assigns it."""


class SentenceResult:
    """Everything the item-level scorer needs from one sentence (a plain slotted class: one is
    built per sentence, and a dataclass's default factories cost more than the analysis of many)."""

    __slots__ = (
        "actors",
        "both_ways",
        "clarity",
        "conditions",
        "deescalation",
        "direction",
        "escalation",
        "frames",
        "has_date",
        "has_destination",
        "has_quantity",
        "hedge",
        "hedged",
        "levers",
        "no_counterparty",
        "policy_verbs",
        "reversion",
        "sectors",
        "text",
        "topics",
        "withheld",
    )  # fmt: skip

    text: str
    clarity: list[tuple[ClarityCue, str]]
    direction: list[Finding]
    hedge: float
    hedged: bool
    actors: list[str]
    topics: list[str]
    reversion: Reversion | None
    conditions: list[str]
    withheld: set[str]
    has_quantity: bool
    has_date: bool
    has_destination: bool
    no_counterparty: bool
    """The states named are no counterparties of each other: a trade statistic's, or states acting
    side by side ("Seoul and Tokyo both tightened controls")."""
    escalation: float
    deescalation: float
    both_ways: bool
    levers: list[str]
    sectors: list[str]
    policy_verbs: list[str]
    frames: list[tuple[str, str]]
    """Scope cues (``levers``, ``sectors``, ``policy_verbs``): policy levers, trade flows and
    sectors, and out-of-scope frames (name, cue)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.clarity: list[tuple[ClarityCue, str]] = []
        """Clarity cues as (class, cue as written): the class gives the points, the note and the
        kind (``clarity+`` for positive points, else ``clarity-``)."""
        # the other fields, from one tuple (one load instead of one per field)
        (
            self.direction,
            self.hedge,
            self.hedged,
            self.actors,
            self.topics,
            self.reversion,
            self.conditions,
            self.withheld,
            self.has_quantity,
            self.has_date,
            self.has_destination,
            self.no_counterparty,
            self.escalation,
            self.deescalation,
            self.both_ways,
            self.levers,
            self.sectors,
            self.policy_verbs,
            self.frames,
        ) = _DEFAULTS

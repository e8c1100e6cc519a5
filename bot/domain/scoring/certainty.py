"""How certain a sentence is stated, as a factor on commitment clarity.

A sentence's uncertainty is the summed strength of its hedge cues (``modality.toml``: modals,
epistemic verbs, conditionals, reported intentions, plans and demands, vague attribution), less
what its boosters take off. The ``[certainty]`` table of ``clarity.toml`` turns it into a factor
on the clarity its elements earn: piecewise linear through the table's points, times a further
factor when the sentence is hedged as it reads (a full-strength cue or enough weak ones). An
item's factor is the mean over its salient sentences, each weighed by its place and by
``sentence_points`` plus the element points it earned (``tally.py``): a hedge discounts what its
own sentence states, not a firm sentence beside it.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import lru_cache

from .lexicon import load

_SPEC = load("clarity.toml")["certainty"]
_POINTS: tuple[tuple[float, float], ...] = tuple(
    sorted((float(x), float(f)) for x, f in _SPEC["curve"])
)
_XS = tuple(x for x, _ in _POINTS)
HEDGED_FACTOR = float(_SPEC["hedged"])
"""The further factor on a sentence the hedged flag marks."""
SENTENCE_POINTS = float(_SPEC["sentence_points"])
"""What a salient sentence weighs in the item's factor beside the element points it earns."""


def curve(strength: float) -> float:
    """The factor for an uncertainty ``strength``: linear between the table's points, flat
    beyond its ends."""
    k = bisect_right(_XS, strength)
    if k == 0:
        return _POINTS[0][1]
    if k == len(_POINTS):
        return _POINTS[-1][1]
    (x0, f0), (x1, f1) = _POINTS[k - 1], _POINTS[k]
    return f0 + (f1 - f0) * (strength - x0) / (x1 - x0)


@lru_cache(maxsize=1024)
def certainty_factor(strength: float, hedged: bool) -> float:
    """The factor on clarity of a sentence with hedge ``strength`` (boosters subtracted)."""
    f = curve(max(0.0, strength))
    return f * HEDGED_FACTOR if hedged else f

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
from typing import Final

from .lexicon import PAYLOAD, PHRASE, START, Span, load

_SPEC: Final = load("clarity.toml")["certainty"]
_POINTS: Final[tuple[tuple[float, float], ...]] = tuple(
    sorted((float(x), float(f)) for x, f in _SPEC["curve"])
)
_XS: Final = tuple(x for x, _ in _POINTS)
HEDGED_FACTOR: Final = float(_SPEC["hedged"])
"""The further factor on a sentence the hedged flag marks."""
SENTENCE_POINTS: Final = float(_SPEC["sentence_points"])
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


_INF: Final = _SPEC["infinitive"]
INFINITIVE_STRENGTH: Final = float(_INF["strength"])
"""What a verb in the infinitive adds to a sentence's uncertainty (not to its hedged flag)."""
ENACTED_STRENGTH: Final = float(_INF["enacted_strength"])
"""The same in a sentence that states an enacted material move: the purpose beside the move
("cut duties to ease a shortage") leaves the move itself done."""
_BINDING: Final = frozenset(_INF["binding"])
SCHEDULED_STRENGTH: Final = float(_INF["scheduled_strength"])
"""What a verb after a word of schedule or resolve adds ("is due to vote", "agreed to meet")."""
_SCHEDULED: Final = frozenset(_INF["scheduled"])
_SCHEDULED_AFTER_BE: Final = frozenset(_INF["scheduled_after_be"])
_BE: Final = frozenset(_INF["be"])
_STATED: Final = frozenset(_INF["stated"])
_PREPOSITION: Final = frozenset(_INF["preposition"])
_LEVEL_VERBS: Final = frozenset(_INF["level_verbs"])
_LEVEL_AFTER: Final = frozenset(_INF["level_after"])
_PERIOD_DET: Final = frozenset(_INF["period_determiners"])
_PERIODS: Final = frozenset(_INF["periods"])
_INSTRUMENTS: Final = frozenset(_INF["instruments"])
OPEN: Final = {str(k): float(v) for k, v in _SPEC["open"]["cues"].items()}
"""Phrases that leave an event open without hedging the wording, with what each adds to a
sentence's uncertainty (not to its hedged flag): "refused to rule out", "is accused of"."""
_NOT_VERBS: Final = frozenset(_INF["not_verbs"])
_NOUN_ENDINGS: Final = tuple(_INF["noun_endings"])
_VERB_ENDINGS: Final = tuple(_INF["verb_endings"])


_VERBS: Final[dict[str, bool]] = {}
"""Words after "to" read so far, and whether each reads as a verb (a text has few of them)."""
_VERBS_LIMIT: Final = 16_384


def _verb(word: str) -> bool:
    """Whether ``word`` after "to" reads as a verb: lower case letters, no function word, no
    ending of a plural, a participle or a noun."""
    v = _VERBS.get(word)
    if v is None:
        v = (
            word.isalpha()
            and word.islower()
            and word not in _NOT_VERBS
            and (not word.endswith(_NOUN_ENDINGS) or word.endswith(_VERB_ENDINGS))
        )
        if len(_VERBS) < _VERBS_LIMIT:
            _VERBS[word] = v
    return v


def infinitive(raw: list[str], norms: list[str], marks: list[Span], enacted: bool = False) -> float:
    """What a verb after one of the ``marks`` ("to" as the phrase scan found it) adds to the
    sentence's uncertainty: "to appease the public", "offers funding to search" state a purpose,
    plan or wish, not a fact (``INFINITIVE_STRENGTH``); right after a word of schedule or resolve
    ("is due to vote", "agreed to meet") the event is set for later (``SCHEDULED_STRENGTH``);
    nothing when one of the four words before makes it a duty ("requires exporters to file"), or
    when the verb before states it done or not ("continued to fall", "declined to comment") or
    "to" is a preposition ("according to", "5% to close at"); ``ENACTED_STRENGTH`` when the
    sentence states an enacted material move (``enacted``)."""
    n = len(norms) - 1
    out = 0.0
    for m in marks:
        k = m[START]
        if k < n:
            verb = _VERBS.get(w := raw[k + 1])  # (the memo read here: a call costs more)
            if (_verb(w) if verb is None else verb) and _BINDING.isdisjoint(
                norms[max(0, k - 4) : k]
            ):
                before = norms[k - 1] if k else ""
                if before in _SCHEDULED or (
                    k > 1 and before in _SCHEDULED_AFTER_BE and norms[k - 2] in _BE
                ):
                    return SCHEDULED_STRENGTH
                if before in _STATED or before in _PREPOSITION or before[:1].isdigit():
                    # "continued to fall", "declined to comment": the event is stated (or stated
                    # as not done); "according to", "5% to close at": "to" is a preposition
                    continue
                if w in _LEVEL_VERBS and k + 2 <= n:
                    after = norms[k + 2]
                    if after in _LEVEL_AFTER or (
                        after in _PERIOD_DET
                        and k + 4 <= n
                        and norms[k + 3] in _PERIODS
                        and norms[k + 4] in _LEVEL_AFTER
                    ):
                        # "fell 3% to close at 7,114", "rebounded to end higher", "to end
                        # the day at 7,114": where a price ended, not a purpose
                        continue
                # "cut duties to ease a shortage": the move is done; "won a contract to supply
                # jets": what the instrument binds its parties to
                out = ENACTED_STRENGTH if enacted or before in _INSTRUMENTS else INFINITIVE_STRENGTH
    return out


_COMPARED: Final = _SPEC["compared"]
_COMPARED_STEMS: Final = tuple(_COMPARED["stems"])
_COMPARED_WINDOW: Final = int(_COMPARED["window"])


def compared(hedges: list[Span], norms: list[str]) -> list[Span]:
    """The hedge cues of a sentence less those that name what a result is compared with
    ("losses were worse than analysts had forecast", "arrived later than planned"): a
    forecast a result is measured against states the result, not a forecast. A cue counts as
    compared when it begins with one of the ``[certainty.compared]`` stems and "than" stands
    in the ``window`` words before it."""
    out = [
        m
        for m in hedges
        if not (
            m[PHRASE].startswith(_COMPARED_STEMS)
            and "than" in norms[max(0, m[START] - _COMPARED_WINDOW) : m[START]]
        )
    ]
    return out if len(out) < len(hedges) else hedges


_UNTIL: Final = _SPEC["until"]
UNTIL_STRENGTH: Final = float(_UNTIL["strength"])
"""What an event held back until a condition adds ("won't be final until regulators approve")."""
_UNTIL_TIME: Final = frozenset(_UNTIL["time_words"])
_UNTIL_TIME_NOUNS: Final = frozenset(_UNTIL["time_nouns"])
_UNTIL_DETERMINERS: Final = frozenset(_UNTIL["determiners"])
_UNTIL_PAST: Final = frozenset(_UNTIL["past"])


def held_until(norms: list[str], neg: list[Span]) -> float:
    """What an event a negation holds back until a condition adds to the sentence's uncertainty
    ("the sale won't close until regulators approve it", "work will not resume until demand
    recovers"): the event waits on another that may not come (``UNTIL_STRENGTH``). Nothing when
    no negation stands before "until", when a time follows it ("not before March", "until next
    week", "until the end of the year": a date, not a condition) or when the clause after it is
    in the past ("did not reopen until the strike ended": both events are stated)."""
    k = norms.index("until")
    if not neg or neg[0][START] > k or k + 1 >= len(norms):
        return 0.0
    w = norms[k + 1]
    if (
        w in _UNTIL_TIME
        or w[:1].isdigit()
        or (w in _UNTIL_DETERMINERS and k + 2 < len(norms) and norms[k + 2] in _UNTIL_TIME_NOUNS)
    ):
        return 0.0
    for t in norms[k + 1 : k + 5]:
        if t in _UNTIL_PAST or (len(t) > 4 and t.endswith("ed")):
            return 0.0
    return UNTIL_STRENGTH


def left_open(matches: list[Span]) -> float:
    """What the strongest phrase that leaves an event open adds to a sentence's uncertainty."""
    return float(max(m[PAYLOAD] for m in matches))

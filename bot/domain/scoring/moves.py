"""The moves of one sentence, in named steps: a pivot verb read through its object, the event cues
left over, their order (a complement governs its "agreed to"), and their weights (main or
secondary clause, negation, irrealis framing, background clause), with who acts on whom.

Events follow the CAMEO/PLOVER root categories with a flipped Goldstein-like weight. A pivot verb
(lift, suspend, impose, resume, ...) takes its direction from its object (lifting *sanctions*
de-escalates, suspending *talks* escalates).
"""

from __future__ import annotations

from bisect import bisect_right
from typing import Final

from .engine import Engine
from .findings import ROUNDED, Finding, SentenceResult, rounded
from .lexicon import END, PHRASE, START, Span, load
from .roles import roles
from .scope import CLAUSE_BREAKS
from .scope import background_factor as _background_factor
from .scope import coordinate_starts as _coordinate_starts
from .scope import in_scope as _in_scope
from .scope import is_passive as _is_passive
from .scope import object_of as _object_of

_SETTINGS: Final = load("settings.toml")
_S: Final = _SETTINGS["sentence"]
"""The numbers of the sentence rules (see ``lexicons/settings.toml``)."""
NEGATION_FACTOR: Final = float(_S["negation_factor"])
REPORTED_FACTOR: Final = float(_S["reported_factor"])
SECONDARY_DECAY: Final = float(_S["secondary_decay"])
SUBORDINATE_FACTOR: Final = float(_S["subordinate_factor"])
BOTH_WAYS_MIN: Final = float(_S["both_ways_min"])
_ABSENCE: Final = frozenset(_SETTINGS["words"]["absence"])
_EVENTS: Final = load("events.toml")
_REFUSAL_WINDOW: Final = int(_EVENTS["refusals"]["window"])
_BREAKS_BUT_AND: Final = CLAUSE_BREAKS - {"and"}
_DIRECTIVE_WINDOW: Final = int(_EVENTS["directive_window"])
_FORUMS: Final = frozenset(_EVENTS["forums"])
_GOVERNED_WINDOW: Final = int(_EVENTS["governed_window"])
_ON_SUBJECT: Final = tuple(_EVENTS["pivots_intransitive"]["stems"])
_MUNITIONS: Final = tuple(_EVENTS["pivots_munitions"]["stems"])
_MUNITION_TARGETS: Final = frozenset(_EVENTS["pivots_munitions"]["targets"])
_PASSIVE_AUX: Final = frozenset(_SETTINGS["words"]["passive_aux"])
PASSIVE_AUX: Final = _PASSIVE_AUX
"""The forms of *be* the move rules test a whole sentence for (``listed`` of ``event_moves``)."""
_PARTICIPANTS: Final = frozenset(_EVENTS["participants"]["cues"])
_BG_PREPOSITIONS: Final = frozenset(load("modality.toml")["background"]["prepositions"])
_REFUSAL_WEIGHT: Final = next(float(c["weight"]) for c in _EVENTS["category"] if c["code"] == "12")
_VOLITION: Final = frozenset(_SETTINGS["words"]["volition"])
_REFUSING: Final = frozenset(_SETTINGS["words"]["refusing_negation"])
_PARTICIPLES: Final = frozenset(form for forms in _EVENTS["irregular"].values() for form in forms)
_PASSIVE_SUBJECT_WINDOW: Final = int(_SETTINGS["windows"]["passive_object"])

Cue = tuple[Span, float, str, str]
"""A move cue: the match, its weight, its mode (material or verbal) and its label."""
_NO_MATCHES: Final[list[Span]] = []
_NO_BREAKS: Final[list[int]] = []
_NO_ROLES: Final[tuple[None, None]] = (None, None)


_DETERMINERS: Final = frozenset(_SETTINGS["words"]["determiners"])
_NOT_NOUNS: Final = frozenset(_SETTINGS["words"]["not_nouns"])


def _attributive(norms: list[str], i: int) -> bool:
    """Whether the participle at ``i`` describes the noun after it ("the seized cargo")."""
    word = norms[i]
    return (
        i > 0
        and word.endswith("ed")
        and norms[i - 1] in _DETERMINERS
        and i + 1 < len(norms)
        and norms[i + 1].isalpha()
        and norms[i + 1] not in _NOT_NOUNS
    )


def _complements_govern(
    cues: list[Cue],
) -> list[Cue]:
    """Drop a cooperative verbal "… to" cue whose complement is an escalating material move: in
    "agreed to extend sanctions" the move is the extension, not the agreement."""
    out: list[Cue] = []
    for k, cue in enumerate(cues):
        m, weight, mode, _ = cue
        if mode == "verbal" and weight and m[PHRASE].endswith(" to") and k + 1 < len(cues):
            nm, nweight, nmode, _ = cues[k + 1]
            if nmode == "material" and nm[START] <= m[END] + 1 and weight < 0.0 < nweight:
                continue  # (a refusal, "declined to resign", keeps its own sign)
        out.append(cue)
    return out


def _starts_between(starts: list[int], lo: int, hi: int) -> bool:
    """Whether a clause starts in (lo, hi] (``starts`` is sorted)."""
    k = bisect_right(starts, lo)
    return k < len(starts) and starts[k] <= hi


def _refused(refusals: list[Span], j: int, norms: list[str]) -> bool:
    """Whether a refusal follows the move ending at ``j`` in its clause ("lifting the embargo is
    out of the question"); an "and" inside the move's phrase ends no clause ("talks between Bonn
    and Paris collapsed")."""
    for r in refusals:
        ri = r[START]
        if j <= ri <= j + _REFUSAL_WINDOW and _BREAKS_BUT_AND.isdisjoint(norms[j:ri]):
            return True
    return False


def _complemented(layers: dict[str, list[Span]], norms: list[str], j: int, kind: str) -> bool:
    """Whether the verb ending at ``j`` has the complement its category asks for in its clause:
    "against" (a warning: "cautioned Tokyo against …"), or "to" and then a verb for a directive
    ("ordered the mission to leave", "told Tokyo to stop"; not a destination: "ordered troops to
    the border", "… to Kuwait"), a court or tribunal for a party taken before one ("took Canberra
    to the WTO"; not "took two years to reach court") or anything for a recipient ("handed the
    suspects to …")."""
    word_wanted = "against" if kind == "against" else "to"
    n = len(norms)
    for k in range(j, min(j + _DIRECTIVE_WINDOW, n - 1)):
        word = norms[k]
        if word == word_wanted and (k > j or kind != "directive"):
            nxt = norms[k + 1]
            if kind == "directive":
                return (
                    nxt.isalpha()
                    and nxt not in _DETERMINERS
                    and not any(a[START] == k + 1 for a in layers.get("actor", ()))
                )
            if kind == "to a forum":
                if nxt in _FORUMS:
                    return True
                return nxt in _DETERMINERS and not _FORUMS.isdisjoint(norms[k + 2 : k + 4])
            return True
        if word in _BREAKS_BUT_AND:
            return False
    return False


def _governs(norms: list[str], j: int, nouns: frozenset[str]) -> bool:
    """Whether one of ``nouns`` follows the verb ending at ``j`` closely, in its clause ("declined
    a US request", "takes in Syrian refugees")."""
    for k in range(j, min(j + _GOVERNED_WINDOW, len(norms))):
        if norms[k] in nouns:
            return True
        if norms[k] in CLAUSE_BREAKS:
            return False
    return False


def _participle(norms: list[str], i: int) -> bool:
    word = norms[i]
    return word.endswith(("ed", "en", "wn")) or word in _PARTICIPLES


def _pivot_as_subject(m: Span, norms: list[str], layers: dict[str, list[Span]]) -> bool:
    """Whether pivot ``m`` can be the subject of a passive verb after it: a noun after a
    determiner ("the lifting of sanctions was criticised") or a participle right after the noun it
    acts on, with no form of *be* ("tariffs imposed in 2018 were lifted"); not a finite verb
    ("would not lift the embargo until the prisoners were freed")."""
    i = m[START]
    if i and norms[i - 1] in _DETERMINERS:
        return True
    return (
        _participle(norms, i)
        and not _is_passive(m, norms)
        and any(o[END] == i for o in layers.get("object", ()))
    )


def _passive_verb_first(
    cues: list[Cue], norms: list[str], layers: dict[str, list[Span]]
) -> list[Cue]:
    """Put a passive verb before the cue of its subject: in "the offer was rejected" or "the
    strike was called off" the verb is the main event and the noun what it acts on; in "tariffs
    imposed in 2018 were lifted" the lifting is, and the participle before it a description."""
    for k in range(1, len(cues)):
        m, prev = cues[k][0], cues[k - 1][0]
        i = m[START]
        if (
            i - _PASSIVE_SUBJECT_WINDOW <= prev[END] < i
            and _is_passive(m, norms)
            and _participle(norms, i)
            and (_pivot_as_subject(prev, norms, layers) if prev[0] == "pivot" else m[0] == "event")
            and CLAUSE_BREAKS.isdisjoint(norms[prev[END] : i])
        ):
            cues[k - 1], cues[k] = cues[k], cues[k - 1]
    return cues


def _double_negation(neg: list[Span], t: Span, i: int) -> bool:
    """Whether another negation stands next to ``t`` before token ``i``, so the two cancel ("did
    not rule out", "never failed to")."""
    return any(
        n is not t and t[START] - 2 <= n[START] < i and not (t[START] <= n[START] < t[END])
        for n in neg
    )


def _refusing(t: Span, norms: list[str]) -> bool:
    """Whether negation ``t`` refuses what follows: a negated will ("will not", "won't",
    "cannot"), not a report that something did not happen ("had not discussed")."""
    k = t[START]
    return t[PHRASE] in _REFUSING or (k > 0 and norms[k - 1] in _VOLITION)


def _drop_modifiers(cues: list[Cue], layers: dict[str, list[Span]]) -> list[Cue]:
    """Drop a restriction noun that modifies the cooperative event noun right after it: "tariff
    talks" are talks, "a sanctions waiver" a waiver, "a tariff truce" a truce."""
    pairs = [
        k
        for k in range(len(cues) - 1)
        if cues[k + 1][0][START] == cues[k][0][END] and cues[k][1] > 0.0 > cues[k + 1][1]
    ]
    if not pairs:
        return cues
    nouns = {(o[START], o[END]) for o in layers.get("object", ()) if o[1] == "restriction"}
    drop = {k for k in pairs if cues[k][0][0] == "event" and cues[k][0][START : END + 1] in nouns}
    return [cue for k, cue in enumerate(cues) if k not in drop] if drop else cues


def _phrase_ended(bg: list[Span], i: int, norms: list[str]) -> bool:
    """Whether every background cue before ``i`` is a preposition whose phrase a form of *be*
    after it has ended ("… during the pandemic were unwound"); a clause ("after talks were
    suspended") keeps its own verb."""
    return all(
        b[PHRASE] in _BG_PREPOSITIONS and not _PASSIVE_AUX.isdisjoint(norms[b[END] : i])
        for b in bg
        if b[END] <= i
    )


def _cue_start(c: Cue) -> int:
    return c[0][START]


def pivot_moves(
    eng: Engine, layers: dict[str, list[Span]], norms: list[str]
) -> tuple[list[Cue], set[int] | None]:
    """Step 1: each pivot verb read through its object ("lifted … sanctions"), and the tokens
    they take up (no event cue inside them counts again)."""
    consumed: set[int] | None = None
    cues: list[Cue] = []
    objects = layers.get("object", _NO_MATCHES)
    if not objects:
        return cues, consumed
    weights = eng.pivot_weights
    for p in layers["pivot"]:
        # a passive or intransitive pivot acts on its subject ("the truce lapsed without a deal")
        obj = _object_of(
            p, objects, norms, _is_passive(p, norms) or p[PHRASE].startswith(_ON_SUBJECT)
        )
        if obj is None:
            continue
        # noun compounds take their head: "export-control dialogue" is a dialogue
        for o in objects:
            if o[START] == obj[END] and o[START] > p[START]:
                obj = o
                break
        layer, direction, pi, pj, verb = p
        _, klass, oi, oj, noun = obj
        if klass == "cooperation" and verb.startswith(eng.restrictive_pivots):
            klass = "restriction"  # "tightened export licences": a stiffer regime
        elif (
            klass == "arms"
            and verb.startswith(_MUNITIONS)
            and oj < len(norms)
            and norms[oj] in _MUNITION_TARGETS
        ):
            direction = "up"  # "dropped bombs on the town": an attack
        weight = weights[f"{direction}_{klass}"]
        lo, hi = min(pi, oi), max(pj, oj)
        if consumed is None:
            consumed = set(range(lo, hi))
        else:
            consumed.update(range(lo, hi))
        # the verb first ("lifted … sanctions"), or the object before it ("sanctions … lifted")
        label = f"{verb} … {noun}" if oi >= pj else f"{noun} … {verb}"
        cues.append(((layer, direction, pi, pj, label), weight, "material", f"{direction} {klass}"))
    return cues, consumed


def event_moves(
    layers: dict[str, list[Span]],
    norms: list[str],
    consumed: set[int] | None,
    cues: list[Cue],
    listed: frozenset[str],
) -> list[Cue]:
    """Step 2: the event cues outside the pivots' spans that report an event (not a participle
    describing a noun), added to ``cues``; then all in text order, complements governing.
    ``listed`` holds (at least) the sentence's words of ``PASSIVE_AUX``."""
    for e in layers.get("event", ()):
        _, cue, i, j, _ = e
        if consumed and (i in consumed if j - i == 1 else not consumed.isdisjoint(range(i, j))):
            continue
        if j - i == 1 and norms[i].endswith("ed") and _attributive(norms, i):
            continue  # "the seized cargo", "its disputed islands": a description, no event
        if cue.complement and not (
            _governs(norms, j, cue.nouns)
            if cue.nouns
            else _complemented(layers, norms, j, cue.complement)
        ):
            continue  # "told reporters", "ordered troops to the border": no one told to act
        cues.append((e, cue.weight, cue.mode, cue.label))
    if len(cues) > 1:
        if len(cues) > 2 or cues[0][0][START] > cues[1][0][START]:  # (two in order stay)
            cues.sort(key=_cue_start)
        if "object" in layers:
            cues = _drop_modifiers(cues, layers)
        cues = _complements_govern(cues)
        if not _PASSIVE_AUX.isdisjoint(listed):
            cues = _passive_verb_first(cues, norms, layers)
        first = cues[0][0]
        if (
            first[PHRASE] in _PARTICIPANTS
            and len(cues) > 1
            and first[END] <= (second := cues[1][0])[START]
            and CLAUSE_BREAKS.isdisjoint(norms[first[END] : second[START]])
        ):
            # "Striking dockers agreed to …": the participants are the subject, not the event
            cues[0], cues[1] = cues[1], cues[0]
    return cues


def weigh_moves(
    eng: Engine,
    res: SentenceResult,
    cues: list[Cue],
    layers: dict[str, list[Span]],
    raw: list[str],
    norms: list[str],
    neg: list[Span],
    acts: list[Span],
    listed: frozenset[str],
) -> None:
    """Step 3: each cue weighed in its clause (main or secondary, negated, not enacted, in a
    background clause) and recorded as a finding with who acts on whom. ``listed`` holds (at
    least) the sentence's words of ``PASSIVE_AUX``."""
    irr = layers.get("irrealis")
    bg = layers.get("background")
    refusals = layers.get("refusal")
    # a leading public statement (denied, declined to comment) reports what follows
    secondary = REPORTED_FACTOR if cues[0][1] == 0.0 else SUBORDINATE_FACTOR
    direction: list[Finding] = []
    esc, desc = res.escalation, res.deescalation
    coords = _coordinate_starts(raw) if len(cues) > 1 else _NO_BREAKS
    bg_aux = bg is not None and not _PASSIVE_AUX.isdisjoint(listed)  # (a phrase may end)
    main_free, n_secondary = True, 0  # per clause: the main event is still to come
    main_sides = 0  # 1: a strong main escalation, 2: a strong main de-escalation, 3: both
    for k, (m, weight, mode, label) in enumerate(cues):
        i = m[START]
        if coords and k and _starts_between(coords, cues[k - 1][0][START], i):
            main_free, n_secondary = True, 0  # "…, while warning …": a clause of its own
        f = _background_factor(bg, i, raw, eng) if bg else 1.0
        if f != 1.0 and bg_aux and bg and _phrase_ended(bg, i, norms):
            f = 1.0  # "curbs imposed during the pandemic were unwound": the main verb again
        if main_free:
            # a background cue ("While talks continue, X imposed …") leaves the main to come
            main_free = f != 1.0
            is_secondary = False
        else:
            n_secondary += 1
            is_secondary = True
        if weight == 0.0:
            continue
        w = weight
        notes = None
        if is_secondary:
            w *= secondary * SECONDARY_DECAY ** (n_secondary - 1)
            notes = [label, "secondary"]
        if (
            neg
            and (t := _in_scope(neg, i, eng.negation_window, norms, True))
            and not (i <= t[START] and t[END] <= m[END])  # "no intention of": the cue's own
            and not _double_negation(neg, t, i)  # "did not rule out sanctions": they cancel
        ):
            # "did not lift" flips a move; "no agreement" only denies that one exists
            if t[PHRASE] in _ABSENCE:
                continue
            w *= NEGATION_FACTOR
            if 0.0 < w < _REFUSAL_WEIGHT and not is_secondary and _refusing(t, norms):
                w = _REFUSAL_WEIGHT  # "will not negotiate": a refusal, as strong as "refused to"
            notes = notes or [label]
            notes.append("negated")
        elif refusals and _refused(refusals, m[END], norms):
            w *= NEGATION_FACTOR  # "lifting the embargo is out of the question"
            notes = notes or [label]
            notes.append("refused")
        elif irr and mode == "material" and _in_scope(irr, i, eng.irrealis_window, norms):
            w *= eng.irrealis_factor
            notes = notes or [label]
            notes.append("not enacted")
        if f != 1.0:
            w *= f
            notes = notes or [label]
            notes.append("background")
        if not is_secondary and f == 1.0 and abs(w) >= BOTH_WAYS_MIN:
            main_sides |= 1 if w > 0.0 else 2
        if w > 0.0:
            esc += w
        else:
            desc -= w
        actor, target = roles(acts, i, m[END], norms) if acts else _NO_ROLES
        direction.append(
            (
                m[PHRASE],
                "escalation" if w > 0.0 else "de-escalation",
                ROUNDED.get(w) or rounded(w),
                "; ".join(notes) if notes else label,
                mode == "material" and notes is None,
                actor,
                target,
            )
        )
    res.direction, res.escalation, res.deescalation = direction, esc, desc
    res.both_ways = main_sides == 3

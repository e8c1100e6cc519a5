"""The item-level tally: one pass over an item's sentence findings, counted into named fields.

Each sentence is weighed by its place (title, lead, later) and then counted: its moves (direction
strengths, which way it leans, who moves whom), its clarity cues (capped per class), its certainty
factor (``certainty.py``) and its entities. The scorer turns the tally into a verdict (``scorer.py``).
"""

from __future__ import annotations

from typing import Final

from bot.domain.models import EvidenceKind

from .certainty import SENTENCE_POINTS, certainty_factor
from .engine import ClarityCue
from .findings import ROUNDED, WHEN_CLASSES, SentenceResult, rounded
from .lexicon import load

_ITEM: Final = load("settings.toml")["item"]
"""The numbers that combine sentences into an item verdict (see ``lexicons/settings.toml``)."""
TITLE_WEIGHT: Final = float(_ITEM["title_weight"])
LEAD_SENTENCES: Final = int(_ITEM["lead_sentences"])
LATE_WEIGHT: Final = float(_ITEM["late_weight"])
HEDGED_WEIGHT: Final = float(_ITEM["hedged_weight"])

_CLARITY: Final = load("clarity.toml")
_CLASSES: Final = _CLARITY["classes"]
_COUNTS_AS: Final[dict[str, tuple[ClarityCue, ...]]] = {
    name: tuple(
        ClarityCue(
            other,
            float(_CLASSES[other]["points"]),
            float(_CLASSES[other]["cap"]),
            str(_CLASSES[other]["note"]),
        )
        for other in spec["counts_as"]
    )
    for name, spec in _CLASSES.items()
    if spec.get("counts_as")
}
"""A class whose cue counts as a cue of each of several classes (``counts_as`` in the table)."""
_DEST: Final = _CLARITY["destination"]
_COUNTERPARTY: Final = ClarityCue(
    "destination", float(_DEST["points"]), float(_DEST["cap"]), "named destination or counterparty"
)

Roles = tuple[str | None, str | None] | None
Ev = tuple[float, str, str, EvidenceKind, float, str, Roles]
"""Evidence before it becomes a model: sort key, cue, sentence, kind, contribution, note and, for
a move, (acting state, state acted on)."""


class Tally:
    """What the sentences of one item add up to (a plain slotted class: one is built per item)."""

    __slots__ = (
        "actors",
        "certainty",
        "certainty_all",
        "clarity_evidence",
        "clarity_totals",
        "classes",
        "conditions",
        "desc",
        "desc_hedged",
        "destination",
        "direction_evidence",
        "esc",
        "esc_hedged",
        "lead",
        "mover",
        "n_desc",
        "n_esc",
        "n_hedged",
        "n_salient",
        "n_salient_hedged",
        "quantity",
        "salience",
        "timeline",
        "topics",
        "withheld",
    )  # fmt: skip

    def __init__(self, lead: int) -> None:
        self.lead = lead
        """Sentences (counting a title) that count in full."""
        self.esc: list[float] = []
        """Weighted escalation strength of each sentence that has one (and de-escalation)."""
        self.desc: list[float] = []
        self.esc_hedged: list[float] = []
        """The same, with the cues of hedged sentences counting less."""
        self.desc_hedged: list[float] = []
        self.n_esc = 0
        """Sentences leaning each way (a mixed label needs both)."""
        self.n_desc = 0
        self.n_hedged = 0
        self.n_salient = 0
        """Sentences with a move or a clarity cue, and how many of them are hedged."""
        self.n_salient_hedged = 0
        self.salience: list[float] = []
        """Per sentence: how much it carries, for the summary."""
        self.certainty = [0.0, 0.0]
        """Salient sentences' certainty factors weighed by place: [sum of w × factor, sum of w]."""
        self.certainty_all = [0.0, 0.0]
        """The same over every sentence (for an item without salient sentences)."""
        self.clarity_totals: dict[str, float] = {}
        """Clarity points per cue class, each within its cap."""
        self.classes: set[str] = set()
        self.clarity_evidence: list[Ev] = []
        self.direction_evidence: list[Ev] = []
        self.withheld: set[str] = set()
        self.conditions: list[str] = []
        self.quantity = False
        self.destination = False
        self.timeline = False
        self.mover: tuple[float, str | None, str | None] = (0.0, None, None)
        """The strongest move with a known actor: (strength, acting state, state acted on)."""
        self.actors: list[str] = []
        self.topics: list[str] = []


def lead_of(has_title: bool) -> int:
    """How many sentences (counting a title) count in full."""
    return LEAD_SENTENCES + 1 if has_title else LEAD_SENTENCES


def tally(results: list[SentenceResult], has_title: bool) -> Tally:
    """Count every sentence of an item, weighed by its place: its moves (direction strengths,
    which way it leans, who moves whom), its clarity cues, its certainty and its entities."""
    t = Tally(lead_of(has_title))
    lead = t.lead
    first = TITLE_WEIGHT if has_title else 1.0
    esc, esc_h, desc, desc_h = t.esc, t.esc_hedged, t.desc, t.desc_hedged
    salience, direction_evidence = t.salience, t.direction_evidence
    # the certainty sums (salient sentences, all sentences) and the strongest mover, kept in
    # locals and stored once: the same additions in the same order
    sal_total = sal_weight = all_total = all_weight = 0.0
    mover_strength, mover = 0.0, t.mover
    n_esc = n_desc = n_hedged = n_salient = n_salient_hedged = 0
    for u, r in enumerate(results):
        w = first if u == 0 else 1.0 if u < lead else LATE_WEIGHT
        direction, clarity = r.direction, r.clarity
        if not (direction or clarity or r.hedged or r.actors or r.topics):
            # a sentence without findings (so without strengths: those come with moves) only
            # counts in the certainty of all sentences, with the factor of its weak hedges (1
            # without any)
            salience.append(r.escalation + r.deescalation)
            all_total += w * certainty_factor(r.hedge, False) if r.hedge else w
            all_weight += w
            continue
        e, d = r.escalation, r.deescalation
        hedged = r.hedged
        cert = HEDGED_WEIGHT if hedged else 1.0
        if e:
            ew = e * w
            esc.append(ew)
            esc_h.append(ew * cert)
        if d:
            dw = d * w
            desc.append(dw)
            desc_h.append(dw * cert)
        if r.both_ways:  # a thaw and a threat in the main clauses of one sentence
            n_esc += 1
            n_desc += 1
        elif e > d:
            n_esc += 1
        elif d > e:
            n_desc += 1
        salient = bool(direction or clarity)
        if hedged:
            n_hedged += 1
        if salient:
            n_salient += 1
            if hedged:
                n_salient_hedged += 1
        # a list (not a generator) for sum(): same values, same order, same float result
        salience.append(
            e + d + sum([abs(cc.points) or 5.0 for cc, _ in clarity]) if clarity else e + d
        )
        if direction:
            text = r.text
            for cue, kind, contribution, note, _, actor, target in direction:
                c = contribution * w
                c = ROUNDED.get(c) or rounded(c)
                strength = abs(c)
                direction_evidence.append((strength, cue, text, kind, c, note, (actor, target)))
                if actor and strength > mover_strength:
                    mover_strength = strength
                    mover = (strength, actor, target)
        actors = r.actors
        earned = _count_clarity(t, r) if clarity or actors else 0.0
        # the sentence's certainty factor (certainty.py), weighed by its place and by the share of
        # the item's elements it states: a hedge qualifies what its own sentence says, so an
        # importer's "would face higher costs" does not discount a signed proclamation beside it
        cf = certainty_factor(r.hedge, hedged) if r.hedge or hedged else 1.0
        all_total += w * cf
        all_weight += w
        if salient:
            sw = w * (SENTENCE_POINTS + earned)
            sal_total += sw * cf
            sal_weight += sw
        if actors:
            t.actors.extend(actors)
        if r.topics:
            t.topics.extend(r.topics)
    t.certainty[0] += sal_total
    t.certainty[1] += sal_weight
    t.certainty_all[0] += all_total
    t.certainty_all[1] += all_weight
    t.mover = mover
    t.n_esc, t.n_desc, t.n_hedged = n_esc, n_desc, n_hedged
    t.n_salient, t.n_salient_hedged = n_salient, n_salient_hedged
    return t


_SPECIAL: Final = frozenset((*_COUNTS_AS, "anonymous"))
"""Classes that change how a sentence's cues are counted (``_count_clarity``)."""


def _count_clarity(t: Tally, r: SentenceResult) -> float:
    """A sentence's clarity cues, each class within its cap, and what it gives or withholds; the
    element points it earned (its positive cues within their caps)."""
    if r.withheld:
        t.withheld.update(r.withheld)
    if r.conditions:
        t.conditions.extend(r.conditions)
    if r.has_quantity:
        t.quantity = True
    if r.has_destination:
        t.destination = True
    elif len(r.actors) > 1 and not r.no_counterparty:
        # two states named in one sentence: one acts on, for or with the other (its points are
        # listed while the class is within its cap)
        t.destination = True
        if t.clarity_totals.get("destination", 0.0) + _COUNTERPARTY.points <= _COUNTERPARTY.cap:
            r.clarity.append((_COUNTERPARTY, " · ".join(r.actors)))
    if r.has_date:
        t.timeline = True
    totals = t.clarity_totals
    text = r.text
    clarity = r.clarity
    for cc, _ in clarity:
        if cc.name in _SPECIAL:  # (most sentences have none of these classes)
            alias = anonymous = False
            for cc, _ in clarity:
                name = cc.name
                if name in _COUNTS_AS:
                    alias = True
                elif name == "anonymous":
                    anonymous = True
            if alias:
                clarity = [
                    (other, cue) for cc, cue in clarity for other in _COUNTS_AS.get(cc.name, (cc,))
                ]
            if anonymous:
                # an authority named behind an anonymous source ("people close to the ministry")
                # is no on-record attribution
                clarity = [(cc, cue) for cc, cue in clarity if cc.name != "attribution"]
            break
    earned = 0.0
    add_class, evidence = t.classes.add, t.clarity_evidence
    for cc, cue in clarity:
        name = cc.name
        if name in WHEN_CLASSES:
            t.timeline = True
        add_class(name)
        pts = cc.points
        new = totals.get(name, 0.0) + pts
        if (pts > 0.0 and new > cc.cap) or (pts < 0.0 and new < cc.cap):
            continue
        totals[name] = new
        if pts > 0.0:
            evidence.append((pts, cue, text, "clarity+", pts, cc.note, None))
            earned += pts
        else:
            evidence.append((abs(pts), cue, text, "clarity-", pts, cc.note, None))
    return earned

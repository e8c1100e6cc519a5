"""Source weight: an item that *is* an official instrument is evidence of clarity by itself.

A published final rule or a presidential document is a formal instrument with a date: it is a
commitment whatever hedges its abstract carries. A proposed rule is formal but not yet binding:
it can reach ``conditional`` and never ``commitment``. A notice is an official publication without
the force of a rule. The scorer reads the words; this module adds what the source says, after it.
"""

from __future__ import annotations

from typing import Protocol

from bot.domain.models import (
    Article,
    Assessment,
    ClarityBand,
    Evidence,
    Gap,
    Instrument,
    SourceWeight,
)

BINDING = frozenset({"rule", "presidential document"})
PROPOSED = frozenset({"proposed rule"})
BINDING_FLOOR = 75
BINDING_BONUS = 20
PROPOSED_BONUS = 10
PROPOSED_CAP = 69
NOTICE_BONUS = 10
OTHER_BONUS = 5
NO_INSTRUMENT = "instrument"  # codes of the [missing] table in scoring/lexicons/clarity.toml
NO_TIMELINE = "timeline"
NOT_BINDING = "binding"


class _Scorer(Protocol):
    def score(self, article: Article) -> Assessment: ...


def _dated(instrument: Instrument) -> str:
    parts = []
    if instrument.published:
        parts.append(f"published {instrument.published:%-d %b %Y}")
    if instrument.effective:
        parts.append(f"effective {instrument.effective:%-d %b %Y}")
    if instrument.comments_close:
        parts.append(f"comments close {instrument.comments_close:%-d %b %Y}")
    return ", ".join(parts)


def weigh(assessment: Assessment, instrument: Instrument | None) -> Assessment:
    """The assessment with the source's weight applied (unchanged when there is no instrument)."""
    if instrument is None:
        return assessment
    kind = instrument.type.strip().lower()
    missing = [m for m in assessment.missing if m.code != NO_INSTRUMENT]
    clarity = assessment.clarity
    # what the instrument adds before the 100 ceiling (as a clarity cue's points are listed): a
    # rule whose text already rates near 100 still shows its instrument among the top reasons
    added = 0
    if kind in BINDING:
        added = max(BINDING_FLOOR, clarity + BINDING_BONUS) - clarity
        clarity = min(100, clarity + added)
        if instrument.effective or instrument.published:
            missing = [m for m in missing if m.code != NO_TIMELINE]
    elif kind in PROPOSED:
        clarity = min(PROPOSED_CAP, clarity + PROPOSED_BONUS)
        added = clarity - assessment.clarity
        close = (
            f"; comments close {instrument.comments_close:%-d %b %Y}"
            if instrument.comments_close
            else ""
        )
        missing = [Gap(code=NOT_BINDING, detail=f"proposed rule{close}"), *missing]
    elif kind == "notice":
        added = NOTICE_BONUS
        clarity = min(100, clarity + added)
    else:
        added = OTHER_BONUS
        clarity = min(100, clarity + added)
    name = " ".join(p for p in (instrument.publisher, instrument.type) if p)
    number = f" {instrument.document_number}" if instrument.document_number else ""
    sentence = f"{name}{number}" + (f", {_dated(instrument)}" if _dated(instrument) else "")
    evidence = Evidence(
        cue=f"{name}{number}",
        sentence=sentence,
        kind="clarity+",
        contribution=float(added),
        note="official instrument" if kind not in PROPOSED else "official, not yet binding",
    )
    return assessment.model_copy(
        update={
            "clarity": clarity,
            "clarity_band": ClarityBand.for_score(clarity),
            "missing": missing,
            "evidence": [evidence, *assessment.evidence],
            "source_weight": SourceWeight(
                publisher=instrument.publisher, instrument=instrument.type
            ),
        }
    )


class WeightedScorer:
    """A scorer that applies the source weight of official instruments after the text scorer."""

    def __init__(self, inner: _Scorer) -> None:
        self.inner = inner

    def score(self, article: Article) -> Assessment:
        return weigh(self.inner.score(article), article.instrument)

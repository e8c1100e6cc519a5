"""Core value objects shared by every layer: feed items, assessments, routes.

Pure data (pydantic, frozen where it helps); no I/O and no clock reads.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator


class Label(StrEnum):
    """Direction label of an item."""

    ESCALATION = "escalation"
    DEESCALATION = "de-escalation"
    MIXED = "mixed"
    NEUTRAL = "neutral"


class ClarityBand(StrEnum):
    """Commitment clarity band: signal (0-39), conditional (40-69), commitment (70-100)."""

    SIGNAL = "signal"
    CONDITIONAL = "conditional"
    COMMITMENT = "commitment"

    @classmethod
    def for_score(cls, clarity: float) -> ClarityBand:
        if clarity >= 70:
            return cls.COMMITMENT
        if clarity >= 40:
            return cls.CONDITIONAL
        return cls.SIGNAL


EvidenceKind = Literal[
    "escalation", "de-escalation", "clarity+", "clarity-", "relevance", "reversion"
]


class Evidence(BaseModel):
    """One cue that moved a score: the phrase, the sentence it stands in, and its contribution."""

    model_config = ConfigDict(frozen=True)

    cue: str
    sentence: str
    kind: EvidenceKind
    contribution: float = Field(description="signed points added to escalation or clarity")
    note: str = ""
    actor: str | None = Field(default=None, description="for a move: the state that makes it")
    target: str | None = Field(default=None, description="for a move: the state it is aimed at")


class ReversionRisk(BaseModel):
    """A snap-back carried by the item: the phrase and, when given, the date it takes effect."""

    model_config = ConfigDict(frozen=True)

    phrase: str
    date: dt.date | None = None


class Dyad(BaseModel):
    """Who acts on whom in an item's strongest move (ISO 3166 or bloc codes)."""

    model_config = ConfigDict(frozen=True)

    actor: str
    target: str | None = None


class Instrument(BaseModel):
    """An official document an item is (a Federal Register rule, a presidential document ...):
    who published it, what kind of instrument it is and its dates."""

    model_config = ConfigDict(frozen=True)

    publisher: str = Field(description="e.g. Federal Register")
    type: str = Field(default="", description="Rule, Proposed Rule, Notice, Presidential Document")
    agencies: tuple[str, ...] = ()
    document_number: str = ""
    published: dt.date | None = None
    effective: dt.date | None = None
    comments_close: dt.date | None = None
    dockets: tuple[str, ...] = ()
    cfr: tuple[str, ...] = Field(default=(), description="CFR references such as 15 CFR 744")


class SourceWeight(BaseModel):
    """What kind of source an assessment rests on (``official · Federal Register · Rule``)."""

    model_config = ConfigDict(frozen=True)

    kind: Literal["official"] = "official"
    publisher: str
    instrument: str = ""

    def __str__(self) -> str:
        return " · ".join(p for p in (self.kind, self.publisher, self.instrument) if p)


class Gap(BaseModel):
    """One thing a commitment would need and the item lacks: a code of the ``[missing]`` table
    in ``scoring/lexicons/clarity.toml`` (``volumes``, ``timeline``, ``conditional`` …) and, for a
    condition, its wording. Presenters turn it into words (``bot.domain.scoring.gaps``)."""

    model_config = ConfigDict(frozen=True)

    code: str
    detail: str = ""


class Reading(BaseModel):
    """The direction read from an item's words, whether or not the item is in scope."""

    model_config = ConfigDict(frozen=True)

    label: Label
    escalation: float = Field(ge=-10.0, le=10.0)


class Assessment(BaseModel):
    """The scorer's verdict on one item (see SCORING.md).

    An item out of scope (no interstate or policy move) has ``label`` neutral and ``escalation``
    0 and says why in ``out_of_scope``; the direction its words carry stays under ``reading``.
    """

    model_config = ConfigDict(frozen=True)

    relevant: bool
    relevance: float = Field(default=0.0, ge=0.0, le=1.0)
    out_of_scope: str = Field(default="", description="why the item is out of scope, if it is")
    label: Label
    escalation: float = Field(ge=-10.0, le=10.0)
    clarity: int = Field(ge=0, le=100)
    clarity_band: ClarityBand
    hedged: bool
    missing: list[Gap] = Field(default_factory=list)
    reversion_risk: ReversionRisk | None = None
    topics: list[str] = Field(default_factory=list)
    actors: list[str] = Field(default_factory=list)
    evidence: list[Evidence] = Field(default_factory=list)
    summary: str = ""
    dyad: Dyad | None = None
    source_weight: SourceWeight | None = None
    reading: Reading | None = None

    @field_validator("missing", mode="before")
    @classmethod
    def _plain_gaps(cls, value: object) -> object:
        """A gap may be given as a bare code (or, in records written before codes, as words)."""
        if isinstance(value, list):
            return [{"code": v} if isinstance(v, str) else v for v in value]
        return value


class Article(BaseModel):
    """What the scorer reads: a title, body text and the publication time if known."""

    model_config = ConfigDict(frozen=True)

    title: str = ""
    text: str = ""
    published: datetime | None = None
    instrument: Instrument | None = None


class Item(BaseModel):
    """One entry from a feed, normalised to plain text."""

    model_config = ConfigDict(frozen=True)

    key: str = Field(description="stable identity: guid, else canonical link, else content hash")
    feed: str = Field(description="name of the feed it came from")
    title: str
    link: str = ""
    summary: str = ""
    published: datetime | None = None
    source: str = Field(default="", description="human name of the publisher")
    story: str = Field(
        default="", description="the story this item belongs to (clustered across feeds)"
    )
    instrument: Instrument | None = Field(
        default=None, description="the official document this item is, when it is one"
    )

    def article(self) -> Article:
        return Article(
            title=self.title,
            text=self.summary,
            published=self.published,
            instrument=self.instrument,
        )

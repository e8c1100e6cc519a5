"""Models sent between processes as plain tuples come back exactly as they were."""

from __future__ import annotations

import pickle
from datetime import date

import pytest
from pydantic import BaseModel, ConfigDict

from bot.adapters.model_tuples import decoder, encoder
from bot.adapters.scoring_pool import weighted_rule_scorer
from bot.domain.models import (
    Article,
    Assessment,
    ClarityBand,
    Dyad,
    Evidence,
    Gap,
    Instrument,
    Label,
    Reading,
    ReversionRisk,
    SourceWeight,
)
from tests.support.feeds import TARIFF_TEXT

FULL = Assessment(
    relevant=True,
    relevance=0.8,
    label=Label.ESCALATION,
    escalation=6.5,
    clarity=72,
    clarity_band=ClarityBand.COMMITMENT,
    hedged=False,
    missing=["volumes", Gap(code="conditional", detail="if talks fail")],
    reversion_risk=ReversionRisk(phrase="snap back", date=date(2026, 12, 1)),
    topics=["tariffs"],
    actors=["US", "CN"],
    evidence=[
        Evidence(
            cue="imposed",
            sentence="The US imposed a tariff.",
            kind="escalation",
            contribution=2.5,
            actor="US",
            target="CN",
        ),
        Evidence(cue="may", sentence="It may ease.", kind="clarity-", contribution=-1.0),
    ],
    summary="US tariff on Chinese goods",
    dyad=Dyad(actor="US", target="CN"),
    source_weight=SourceWeight(publisher="Federal Register", instrument="Rule"),
    reading=Reading(label=Label.ESCALATION, escalation=6.5),
)


def _round_trip[M: BaseModel](model: M) -> M:
    packed = pickle.loads(pickle.dumps(encoder(type(model))(model)))  # noqa: S301 (our own bytes)
    return decoder(type(model))(packed)


def _same(a: BaseModel, b: BaseModel) -> None:
    assert type(b) is type(a)
    assert b == a
    assert b.__pydantic_fields_set__ == a.__pydantic_fields_set__
    assert b.model_dump_json(exclude_unset=True) == a.model_dump_json(exclude_unset=True)
    for name in type(a).model_fields:
        x, y = getattr(a, name), getattr(b, name)
        for u, v in zip(
            x if isinstance(x, list) else [x], y if isinstance(y, list) else [y], strict=True
        ):
            assert type(v) is type(u)
            if isinstance(u, BaseModel):
                _same(u, v)


def test_an_assessment_with_every_field_comes_back_the_same() -> None:
    _same(FULL, _round_trip(FULL))


def test_scored_assessments_come_back_the_same() -> None:
    scorer = weighted_rule_scorer()
    texts = [TARIFF_TEXT, "The weather was mild in the valley.", "Beijing may ease gallium curbs."]
    for text in texts:
        assessment = scorer.score(Article(title=text[:40], text=text))
        _same(assessment, _round_trip(assessment))


def test_an_instrument_with_tuples_and_dates_comes_back_the_same() -> None:
    instrument = Instrument(publisher="Federal Register", agencies=("BIS",),
                            effective=date(2026, 1, 2), cfr=("15 CFR 744",))  # fmt: skip
    _same(instrument, _round_trip(instrument))
    _same(Instrument(publisher="x"), _round_trip(Instrument(publisher="x")))


def test_models_with_extra_fields_are_refused() -> None:
    class Open(BaseModel):
        model_config = ConfigDict(extra="allow")
        a: int = 0

    with pytest.raises(TypeError):
        encoder(Open)

"""Source weight: a Federal Register rule is a dated formal instrument, a proposed rule is not
yet binding; the weight shows in the assessment and in every alert layout."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.adapters.sources import SourceParser
from bot.domain.models import Article, ClarityBand, Gap, Instrument, Item
from bot.domain.scoring import RuleScorer, describe_gap
from bot.domain.source_weight import WeightedScorer, weigh
from bot.render import glance
from bot.render.slack import alert_message
from bot.render.teams import alert_body
from tests.support.sources import federal_register, fr_document

scorer = WeightedScorer(RuleScorer())
HEDGED = (
    "Officials said the department may consider whether to add some entities to the Entity List "
    "at some point, according to people familiar with the matter."
)


def _rated(**fields: object) -> tuple[Item, Article]:
    feed = SourceParser().parse(federal_register([fr_document("2026-1", **fields)]).encode(), "u")
    [entry] = feed.entries
    item = Item(
        key="k",
        feed="fr",
        title=entry.title,
        summary=entry.summary,
        published=entry.published,
        source=feed.title,
        instrument=entry.instrument,
    )
    return item, item.article()


def test_a_published_rule_is_a_commitment_even_when_its_abstract_hedges() -> None:
    plain = RuleScorer().score(Article(title="Entity List", text=HEDGED))
    _, article = _rated(abstract=HEDGED)
    weighted = scorer.score(article)
    unweighted = RuleScorer().score(article)
    assert plain.clarity_band != ClarityBand.COMMITMENT
    assert unweighted.clarity_band != ClarityBand.COMMITMENT
    assert weighted.clarity >= 75
    assert weighted.clarity_band == ClarityBand.COMMITMENT
    assert not {g.code for g in weighted.missing} & {"instrument", "timeline"}
    assert str(weighted.source_weight) == "official · Federal Register · Rule"
    top = weighted.evidence[0]
    assert top.kind == "clarity+"
    assert top.cue == "Federal Register Rule 2026-1"
    assert top.contribution == weighted.clarity - unweighted.clarity


def test_a_proposed_rule_is_never_a_commitment_and_says_why() -> None:
    _, article = _rated(type="Proposed Rule", effective_on=None, comments_close_on="2027-01-19")
    weighted = scorer.score(article)
    assert weighted.clarity <= 69
    assert weighted.clarity_band != ClarityBand.COMMITMENT
    said = describe_gap(weighted.missing[0])
    assert said == "not yet binding (proposed rule; comments close 19 Jan 2027)"
    assert str(weighted.source_weight) == "official · Federal Register · Proposed Rule"


def test_a_published_rule_supplies_the_instrument_and_the_timeline() -> None:
    lacking = [Gap(code="volumes"), Gap(code="instrument"), Gap(code="timeline")]
    base = (
        RuleScorer().score(Article(title="t", text=HEDGED)).model_copy(update={"missing": lacking})
    )
    rule = Instrument(publisher="Federal Register", type="Rule", published=date(2026, 11, 20))
    assert [g.code for g in weigh(base, rule).missing] == ["volumes"]


def test_a_notice_counts_a_little_and_an_item_without_instrument_is_untouched() -> None:
    base = RuleScorer().score(Article(title="t", text=HEDGED))
    notice = weigh(base, Instrument(publisher="Federal Register", type="Notice"))
    assert notice.clarity == min(100, base.clarity + 10)
    assert weigh(base, None) == base


def test_every_alert_layout_names_the_official_source() -> None:
    item, article = _rated()
    assessment = scorer.score(article)
    _, blocks = alert_message(item, assessment, date(2026, 11, 20))
    assert "official · Federal Register · Rule" in str(blocks)
    card = alert_body(item, assessment, date(2026, 11, 20))
    assert "official · Federal Register · Rule" in str(card)
    plain_item = item.model_copy(update={"source": "Wire"})
    assert (
        glance.source_line(plain_item, assessment.model_copy(update={"source_weight": None}))
        == "Wire"
    )
    assert item.published == datetime(2026, 11, 20, tzinfo=UTC)

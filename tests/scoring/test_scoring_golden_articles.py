"""Golden assessments of full articles written for the project (labels, bands, items, dates)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.domain.models import Article, Assessment, ClarityBand, Label
from bot.domain.scoring import RuleScorer, describe_gap

THAW = Article(
    title="Beijing eases rare-earth curbs as trade talks resume",
    text=(
        "China's commerce ministry said on Monday it had approved a batch of rare-earth export "
        "applications, a symbolic concession ahead of talks with Washington in Geneva. "
        "The ministry selectively approved the applications but stopped short of naming destination "
        "markets and withheld detail on volumes. "
        "The vice premier said he expects the talks to go smoothly and hopes both sides can build "
        "positive momentum. "
        "Officials in Washington welcomed the gesture but said the administration keeps all options "
        "open."
    ),
    published=datetime(2025, 6, 9, tzinfo=UTC),
)

SNAPBACK = Article(
    title="US warns of tariff snap-back as truce deadline nears",
    text=(
        "The White House warned on Tuesday that it would restore the full tariffs on Chinese goods "
        "by August 12 unless Beijing resumes rare-earth shipments. "
        "The commerce secretary said the 90-day pause was never meant to be permanent. "
        "Beijing criticised the threat and said it would take countermeasures if the tariffs "
        "return."
    ),
    published=datetime(2025, 7, 1, tzinfo=UTC),
)

RULE = Article(
    title="BIS adds 23 Chinese entities to Entity List",
    text=(
        "The Bureau of Industry and Security published a final rule in the Federal Register on "
        "Thursday adding 23 Chinese companies to the Entity List, effective March 28, 2025. "
        "The rule imposes a licence requirement on exports of advanced chips and chip-making tools "
        "to the listed firms, with a presumption of denial. "
        "Commerce Secretary Howard Lutnick said in a statement that the department would enforce "
        "the rule with penalties for violations."
    ),
    published=datetime(2025, 3, 25, tzinfo=UTC),
)

DEAL = Article(
    title="EU and Japan sign critical minerals pact",
    text=(
        "The European Union and Japan signed an agreement on Wednesday to cooperate on critical "
        "minerals, pledging joint stockpiles of gallium and germanium. "
        "The two sides agreed to share supply-chain information and to hold annual consultations. "
        "Officials in Brussels praised the pact as a model for partners in Asia."
    ),
    published=datetime(2025, 5, 14, tzinfo=UTC),
)


def test_thaw_is_mild_deescalation_and_a_signal(scorer: RuleScorer) -> None:
    a = scorer.score(THAW)
    assert a.relevant
    assert a.label is Label.DEESCALATION
    assert -10 < a.escalation < 0
    assert a.clarity_band is ClarityBand.SIGNAL
    assert {"no volumes", "no destinations", "no timeline"} <= set(said_missing(a))
    assert {"CN", "US"} <= set(a.actors)
    assert "rare-earths" in a.topics
    assert a.reversion_risk is None
    assert a.hedged


def test_snapback_threat_carries_reversion_date(scorer: RuleScorer) -> None:
    a = scorer.score(SNAPBACK)
    assert a.relevant
    assert a.label is Label.ESCALATION
    assert a.reversion_risk is not None
    assert a.reversion_risk.date == date(2025, 8, 12)
    assert any(m.startswith("conditional on") for m in said_missing(a))
    assert a.clarity_band is not ClarityBand.COMMITMENT
    assert {"US", "CN"} <= set(a.actors)
    assert "tariffs" in a.topics


def test_federal_register_rule_is_a_commitment(scorer: RuleScorer) -> None:
    a = scorer.score(RULE)
    assert a.relevant
    assert a.label is Label.ESCALATION
    assert a.clarity_band is ClarityBand.COMMITMENT
    assert "no formal instrument" not in said_missing(a)
    assert "no timeline" not in said_missing(a)
    assert "no volumes" not in said_missing(a)
    assert a.actors[0] == "US"
    assert "CN" in a.actors
    assert {"sanctions", "semiconductors", "export-controls"} <= set(a.topics)
    assert not a.hedged


def test_signed_pact_is_deescalation(scorer: RuleScorer) -> None:
    a = scorer.score(DEAL)
    assert a.relevant
    assert a.label is Label.DEESCALATION
    assert a.escalation <= -5
    assert {"EU", "JP"} <= set(a.actors)
    assert "critical-minerals" in a.topics
    assert "no formal instrument" not in said_missing(a)


def test_seed_style_summary_is_extractive(scorer: RuleScorer) -> None:
    a = scorer.score(THAW)
    assert 0 < len(a.summary) <= len(THAW.text)
    for part in a.summary.split(". "):
        assert part.rstrip(".") in THAW.text


def said_missing(a: Assessment) -> list[str]:
    """The missing list in the words a reader sees."""
    return [describe_gap(g) for g in a.missing]

"""The hedged flag: epistemic cues, and the look-alikes that state no uncertainty."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.domain.evaluation import compute
from bot.domain.models import Article
from bot.domain.scoring import RuleScorer


@pytest.mark.parametrize(
    "text",
    [
        "Officials cannot rule out a second round of export curbs on graphite.",
        "Little is known about how the new licence regime will be enforced.",
        "The ministry said further research into magnet supply chains was needed.",
        "The commerce department is considering wider curbs on chip tools.",
        "Beijing demanded that Washington lift the entity listings.",
    ],
)
def test_epistemic_and_irrealis_cues_hedge(score, text: str) -> None:  # type: ignore[no-untyped-def]
    assert score(text).hedged


@pytest.mark.parametrize(
    "text",
    [
        # market demand rises and falls; nobody demands anything
        "Weaker demand for solar panels cut exports to Europe by 8% in October.",
        # measured against a forecast, not uncertain
        "Soybean shipments to China rose faster than anticipated in September.",
        # concessive: the duties apply either way
        "The duties apply regardless of whether the steel is shipped through Vietnam.",
        # a person under suspicion, not the writer's stance
        "Police detained a suspect in the smuggling of gallium through Hong Kong.",
    ],
)
def test_look_alikes_do_not_hedge(score, text: str) -> None:  # type: ignore[no-untyped-def]
    assert not score(text).hedged


def test_repeated_weak_cue_counts_once(score) -> None:  # type: ignore[no-untyped-def]
    # one future frame, three times over: "will" alone is a weak cue, and stays weak
    a = score("The agency will publish the list, will update it monthly and will notify exporters.")
    assert not a.hedged
    assert score("The agency will probably publish the list next month.").hedged


HELDOUT = Path(__file__).resolve().parents[1] / "fixtures" / "hedging_heldout.jsonl"
"""400 sentences by another author who saw neither the scorer nor its data: 200 science findings and
200 wire-news sentences, half hedged. First scored at hedged-F1 0.942 (science) and 0.938 (news);
no rule was changed for them."""
HELDOUT_FLOOR = 0.90


@pytest.mark.parametrize("source", ["science", "news"])
def test_heldout_hedging_floor(scorer: RuleScorer, source: str) -> None:
    with HELDOUT.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    pairs: list[tuple[str, str]] = []
    misses: list[str] = []
    for r in (r for r in rows if r["source"] == source):
        hedged = scorer.score(Article(text=r["text"])).hedged
        predicted = "hedged" if hedged else "certain"
        pairs.append((r["label"], predicted))
        if predicted != r["label"]:
            misses.append(f"{r['id']} gold={r['label']}: {r['text']}")
    f1 = compute(pairs, ("hedged", "certain")).per_class["hedged"].f1
    assert f1 >= HELDOUT_FLOOR, f"hedged-F1 {f1:.3f}; misses:\n" + "\n".join(misses)


@pytest.mark.parametrize(
    "text",
    [
        "Some say the new duties will push up prices for builders.",
        "Critics argue the quota favours the largest mills.",
        "It is believed the cabinet has approved the draft decree.",
        "The envoy is said to favour an early ceasefire.",
        "According to people familiar with the plan, Ottawa will drop the levy.",
        "Canberra halted the shipments, sources close to the ministry said.",
        "An official, speaking on condition of anonymity, said the embargo would stay.",
        "It is widely reported that the licences were withdrawn.",
        "Experts say the ban was aimed at one supplier.",
    ],
)
def test_vague_attribution_hedges(score, text: str) -> None:  # type: ignore[no-untyped-def]
    assert score(text).hedged


@pytest.mark.parametrize(
    "text",
    [
        "The ministry said in a statement that the embargo took effect on Monday.",
        "Trade Minister Ana Ruiz told reporters the licences were withdrawn.",
    ],
)
def test_named_attribution_does_not_hedge(score, text: str) -> None:  # type: ignore[no-untyped-def]
    assert not score(text).hedged


def test_a_stated_goal_is_not_yet_an_event(score) -> None:  # type: ignore[no-untyped-def]
    assert score("Their goal is to reopen the border crossing.").hedged
    assert score("The rules require that exporters register every cargo.").hedged

"""Direction on an independent probe set: wire-style sentences for every CAMEO root category and the
trade-policy beat (imposing, lifting, suspending, extending, reinstating), with passives, negation,
modality and reversals, written for the project apart from the development data. The scorer read
it at macro-F1 0.905 before its misses were fixed by category (missing inflections, category verbs,
pivot objects, clause scope), so it now guards those fixes against regression rather than measuring
generalisation; the floors sit a little below what the scorer reaches."""

from __future__ import annotations

import json
from pathlib import Path

from bot.domain.evaluation import compute
from bot.domain.models import Article, Label
from bot.domain.scoring import RuleScorer

PROBE = Path(__file__).resolve().parents[1] / "fixtures" / "direction_probe.jsonl"
LABELS = ("escalation", "deescalation", "neutral")
MACRO_F1_FLOOR = 0.95
"""Macro-F1 over escalation and de-escalation (0.981 when the floor was set)."""
ACCURACY_FLOOR = 0.94
"""Accuracy over all three labels (0.971 when the floor was set)."""
_NAMES = {
    Label.ESCALATION: "escalation",
    Label.DEESCALATION: "deescalation",
    Label.NEUTRAL: "neutral",
    Label.MIXED: "mixed",
}


HELDOUT = PROBE.with_name("direction_heldout.jsonl")
"""150 wire sentences written by another author without sight of the scorer or its data; it read
macro-F1 0.826 and accuracy 0.780 when first scored, before category fixes prompted by its misses
(0.859 / 0.813 after them)."""
HELDOUT_FLOORS = (0.83, 0.78)
CAMEO_HELDOUT = PROBE.with_name("direction_cameo_heldout.jsonl")
"""240 CAMEO-codebook-style sentences, 12 per root category, by another author without sight of the
scorer or its data; first scored at macro-F1 0.858 and accuracy 0.821 (0.925 / 0.908 after the
category fixes its misses prompted)."""
CAMEO_HELDOUT_FLOORS = (0.90, 0.88)
CAMEO_FRESH = PROBE.with_name("direction_cameo_fresh.jsonl")
"""200 more CAMEO-style sentences, 10 per root category, by an outside author, written after every
rule change of the second round and scored once: macro-F1 0.917, accuracy 0.895 (0.892 / 0.850
for the scorer before the probe and held-out rounds). No rule was changed for it; after the
sub-code round below it reads 0.923 / 0.900."""
CAMEO_FRESH_FLOORS = (0.89, 0.87)
CAMEO_SUBCODES = PROBE.with_name("direction_cameo_subcodes.jsonl")
"""300 sentences by an outside author, one or two per CAMEO sub-code plus 61 on trade statecraft;
first scored at macro-F1 0.898 and accuracy 0.870, then used for category fixes (0.925 / 0.897)."""
CAMEO_SUBCODES_FLOORS = (0.90, 0.87)


def _rows(path: Path = PROBE) -> list[dict[str, str]]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def test_probe_set_is_well_formed() -> None:
    rows = _rows()
    assert len(rows) >= 150
    assert len({r["id"] for r in rows}) == len(rows)
    assert {r["label"] for r in rows} == set(LABELS)
    # every CAMEO root category 01..20 is represented
    assert {r["cameo"] for r in rows} >= {f"{k:02d}" for k in range(1, 21)}


def _check(scorer: RuleScorer, path: Path, macro_floor: float, accuracy_floor: float) -> None:
    pairs: list[tuple[str, str]] = []
    misses: list[str] = []
    for r in _rows(path):
        a = scorer.score(Article(text=r["text"]))
        predicted = _NAMES[a.reading.label if a.reading else a.label]
        pairs.append((r["label"], predicted))
        if predicted != r["label"]:
            misses.append(f"{r['id']} gold={r['label']} got={predicted}: {r['text']}")
    m = compute(pairs, LABELS)
    macro = m.macro_f1(["escalation", "deescalation"])
    report = f"macro-F1 {macro:.3f}, accuracy {m.accuracy:.3f}; misses:\n" + "\n".join(misses)
    assert macro >= macro_floor, report
    assert m.accuracy >= accuracy_floor, report


def test_probe_direction_floors(scorer: RuleScorer) -> None:
    _check(scorer, PROBE, MACRO_F1_FLOOR, ACCURACY_FLOOR)


def test_heldout_direction_floors(scorer: RuleScorer) -> None:
    _check(scorer, HELDOUT, *HELDOUT_FLOORS)


def test_cameo_heldout_direction_floors(scorer: RuleScorer) -> None:
    _check(scorer, CAMEO_HELDOUT, *CAMEO_HELDOUT_FLOORS)


def test_cameo_fresh_direction_floors(scorer: RuleScorer) -> None:
    _check(scorer, CAMEO_FRESH, *CAMEO_FRESH_FLOORS)


def test_cameo_subcodes_direction_floors(scorer: RuleScorer) -> None:
    _check(scorer, CAMEO_SUBCODES, *CAMEO_SUBCODES_FLOORS)

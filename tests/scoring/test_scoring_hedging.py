"""The hedged flag: epistemic cues, and the look-alikes that state no uncertainty."""

from __future__ import annotations

import pytest


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

"""Relevance gate, actor normalisation, topics, evidence and summary."""

from __future__ import annotations

import pytest


def test_metonyms_and_agencies_map_to_states(score) -> None:  # type: ignore[no-untyped-def]
    a = score(
        "BIS added nine firms to the Entity List, and MOFCOM answered within hours while "
        "Brussels and Tokyo watched."
    )
    assert {"US", "CN", "EU", "JP"} <= set(a.actors)


def test_officials_by_title(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The commerce secretary said chip export controls would stay in place.")
    assert a.actors == ["US"]
    assert "export-controls" in a.topics
    assert "semiconductors" in a.topics
    assert a.relevant


def test_pronoun_us_is_not_the_united_states(score) -> None:  # type: ignore[no-untyped-def]
    assert "US" not in score("Let us talk about tariffs on steel.").actors


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Kenya raised duties on imported steel to 25% from next month.", "KE"),
        ("The Democratic Republic of the Congo suspended cobalt exports for four months.", "CD"),
        ("Republic of Korea customs tightened checks on chip shipments.", "KR"),
        ("Bolivia nationalised its lithium mines and banned raw exports.", "BO"),
    ],
)
def test_any_iso_country_is_an_actor(score, text: str, code: str) -> None:  # type: ignore[no-untyped-def]
    a = score(text)
    assert code in a.actors
    assert a.relevant


def test_country_names_that_are_also_people_are_not_actors(score) -> None:  # type: ignore[no-untyped-def]
    # "Chad" and "Jordan" are left out of the ISO names: as often people as countries
    assert score("Chad Bown said tariffs on steel would rise.").actors == []
    assert "JO" not in score("Jordan told reporters the tariffs were a mistake.").actors


def test_iso_country_name_needs_its_capital(score) -> None:  # type: ignore[no-untyped-def]
    assert "NE" not in score("The niger seed tariff was cut.").actors
    assert "NE" in score("Niger cut its tariff on seed imports.").actors


def test_actor_without_lever_is_not_relevant(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The French president visited a museum in Berlin on Sunday.")
    assert a.actors
    assert not a.relevant


def test_lever_without_actor_is_not_relevant(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Tariffs are a tax paid by importers.")
    assert "tariffs" in a.topics
    assert not a.relevant


def test_topic_slugs_are_kebab_case(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Beijing restricted rare-earth magnets, gallium and EV battery technology exports.")
    assert "rare-earths" in a.topics
    assert "critical-minerals" in a.topics
    assert all(t == t.lower() and " " not in t for t in a.topics)


def test_evidence_sorted_strongest_first_and_quotes_the_text(score) -> None:  # type: ignore[no-untyped-def]
    text = "Beijing imposed 15% tariffs on US coal. Officials met in Geneva."
    a = score(text)
    sizes = [abs(e.contribution) for e in a.evidence]
    assert sizes == sorted(sizes, reverse=True)
    assert all(e.sentence in text for e in a.evidence)
    assert a.evidence[0].kind in {"escalation", "clarity+"}


def test_summary_is_extractive(score) -> None:  # type: ignore[no-untyped-def]
    text = (
        "Markets were calm on Tuesday. Beijing imposed 15% tariffs on US coal from June 10. "
        "The weather was mild. Officials said more talks were possible."
    )
    a = score(text, title="China hits back")
    assert a.summary
    assert a.summary in text or all(s.strip() in text for s in a.summary.split(". ") if s)
    assert "imposed 15% tariffs" in a.summary


def test_empty_article(score) -> None:  # type: ignore[no-untyped-def]
    a = score("", title="")
    assert not a.relevant
    assert a.label.value == "neutral"
    assert a.evidence == []

"""Who acts on whom: the acting state and the state acted on, per move and for the item."""

from __future__ import annotations

import pytest

from bot.domain.models import Assessment, ClarityBand, Dyad, Label
from bot.render.glance import actors_line


@pytest.mark.parametrize(
    ("text", "actor", "target"),
    [
        ("China halted rare-earth exports to US defence contractors.", "CN", "US"),
        ("Washington imposed tariffs on Canadian steel.", "US", "CA"),
        # a passive: the agent acts, the state named before the verb is acted on
        ("Sanctions on Russia were lifted by the EU on Monday.", "EU", "RU"),
        ("Exports of chip tools to Japan were halted by the Netherlands.", "NL", "JP"),
        # joint subjects act on each other
        ("Seoul and Tokyo agreed to resume talks on export controls.", "KR", "JP"),
    ],
)
def test_who_acts_on_whom(score, text: str, actor: str, target: str) -> None:  # type: ignore[no-untyped-def]
    a = score(text)
    assert a.dyad == Dyad(actor=actor, target=target)
    move = max(
        (e for e in a.evidence if e.kind in ("escalation", "de-escalation")),
        key=lambda e: abs(e.contribution),
    )
    assert (move.actor, move.target) == (actor, target)


def test_move_without_a_named_target(score) -> None:  # type: ignore[no-untyped-def]
    assert score("Beijing imposed new export curbs on graphite.").dyad == Dyad(actor="CN")


def test_no_dyad_without_an_actor(score) -> None:  # type: ignore[no-untyped-def]
    a = score("The ministry imposed new export curbs on graphite.")
    assert a.dyad is None
    assert all(e.actor is None for e in a.evidence)


def test_clarity_evidence_has_no_roles(score) -> None:  # type: ignore[no-untyped-def]
    a = score("Washington imposed a 25% tariff on Chinese steel, effective August 1.")
    assert all(e.actor is None and e.target is None for e in a.evidence if e.kind != "escalation")


def test_actors_line_leads_with_the_dyad() -> None:
    a = Assessment(
        relevant=True,
        label=Label.ESCALATION,
        escalation=5.0,
        clarity=50,
        clarity_band=ClarityBand.CONDITIONAL,
        hedged=False,
        actors=["US", "JP", "CN"],
        dyad=Dyad(actor="CN", target="US"),
    )
    assert actors_line(a) == "CN → US · JP"
    assert actors_line(a.model_copy(update={"dyad": None})) == "US · JP · CN"

import json
from datetime import UTC, date, datetime

from bot.domain.models import (
    Assessment,
    ClarityBand,
    Dyad,
    Evidence,
    Item,
    Label,
    ReversionRisk,
)
from bot.render.slack import alert_message, escape, safe_url

HOSTILE = "<!channel> <!here> @everyone <@U123> <!subteam^S1> <https://evil.example|click> & *bold*"


def make(
    title: str = "China approves some rare earth export licences",
    link: str = "https://n.example.org/a",
) -> tuple[Item, Assessment]:
    item = Item(
        key="guid:1",
        feed="wire",
        title=title,
        link=link,
        source="Wire",
        published=datetime(2026, 11, 20, 8, 0, tzinfo=UTC),
    )
    assessment = Assessment(
        relevant=True,
        label=Label.DEESCALATION,
        escalation=-2.5,
        clarity=22,
        clarity_band=ClarityBand.SIGNAL,
        hedged=True,
        missing=["no volumes", "no destinations"],
        reversion_risk=ReversionRisk(phrase="tariffs may return", date=date(2026, 12, 12)),
        topics=["rare-earths"],
        actors=["CN", "US"],
        evidence=[
            Evidence(cue="symbolic concessions", sentence="s", kind="clarity-", contribution=-12)
        ],
        summary="Beijing approved some applications but named no destinations.",
    )
    return item, assessment


def all_text(blocks: list[dict[str, object]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def text_objects(node: object) -> list[dict[str, str]]:
    """Every Block Kit text object in a message."""
    found: list[dict[str, str]] = []
    if isinstance(node, dict):
        if node.get("type") in ("mrkdwn", "plain_text") and isinstance(node.get("text"), str):
            found.append(node)
        for value in node.values():
            found.extend(text_objects(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(text_objects(value))
    return found


def test_alert_has_glance_headline_missing_evidence_and_fallback() -> None:
    item, assessment = make()
    text, blocks = alert_message(item, assessment, date(2026, 11, 20))
    body = all_text(blocks)
    assert text.startswith("🔻 −2.5 · signal · China approves")
    assert "<https://n.example.org/a|China approves some rare earth export licences>" in body
    assert "clarity ▰▱▱▱▱ 22 · signal" in body
    assert "12 Dec 2026 · in 22 days" in body
    assert "no volumes · no destinations" in body
    assert "symbolic concessions" in body
    assert len(blocks) <= 50


def test_hostile_text_cannot_ping_or_forge_links() -> None:
    item, assessment = make(title=HOSTILE, link="javascript:alert(1)")
    assessment = assessment.model_copy(update={"summary": HOSTILE, "missing": [HOSTILE]})
    text, blocks = alert_message(item, assessment, date(2026, 11, 20))
    objects = text_objects(blocks)
    # Slack parses mentions and links only in mrkdwn (and the fallback text); plain_text is shown
    # literally. Every mrkdwn field and the fallback must be inert.
    mrkdwn = " ".join(o["text"] for o in objects if o["type"] == "mrkdwn") + text
    for control in (
        "<!channel>",
        "<!here>",
        "<@U123>",
        "<!subteam",
        "<https://evil",
        "javascript:",
    ):
        assert control not in mrkdwn
    assert "&lt;!channel&gt;" in mrkdwn
    plain = [o["text"] for o in objects if o["type"] == "plain_text"]
    assert any("<!channel>" in p for p in plain)  # shown literally, never parsed
    assert "@everyone" not in all_text(blocks) + text  # broken by a zero-width space


def test_mentions_only_when_the_route_asks() -> None:
    item, assessment = make()
    text, _ = alert_message(item, assessment, date(2026, 11, 20), mention="here")
    assert text.startswith("<!here> ")


def test_escape_and_safe_url() -> None:
    assert escape("a<b>&c") == "a&lt;b&gt;&amp;c"
    assert safe_url("https://x.org/a|b>c") == "https://x.org/a%7Cb%3Ec"
    assert safe_url("mailto:someone@example.org") is None


def test_very_long_text_stays_inside_block_kit_limits() -> None:
    item, assessment = make(title="T" * 5000)
    assessment = assessment.model_copy(
        update={
            "summary": "S " * 5000,
            "evidence": [Evidence(cue="c" * 3000, sentence="s", kind="escalation", contribution=3)]
            * 30,
        }
    )
    text, blocks = alert_message(item, assessment, date(2026, 11, 20))
    assert len(text) <= 3000
    for block in blocks:
        inner = block.get("text")
        if isinstance(inner, dict):
            assert len(inner["text"]) <= 3000
    assert len(all_text(blocks)) < 12_000


def test_alert_shows_who_acts_on_whom() -> None:
    item, assessment = make()
    move = Evidence(
        cue="approves … licences",
        sentence="s",
        kind="de-escalation",
        contribution=-5.0,
        actor="CN",
        target="US",
    )
    dyad = Dyad(actor="CN", target="US")
    assessment = assessment.model_copy(
        update={"evidence": [*assessment.evidence, move], "dyad": dyad}
    )
    body = all_text(alert_message(item, assessment, date(2026, 11, 20))[1])
    assert "CN → US" in body  # the actors line leads with the dyad
    assert "“approves … licences” de-escalation (-5.0) · CN → US" in body

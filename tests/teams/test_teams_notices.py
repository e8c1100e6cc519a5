"""Follow-ups, overflow folds and digests as Teams cards: valid 1.4, under the cap, nothing lost."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from bot.adapters.chart_files import ChartFiles
from bot.adapters.charts import render_escalation_chart
from bot.domain.models import Assessment, ClarityBand, Item, Label
from bot.render.teams import MAX_BYTES, payload_size
from bot.render.teams_notices import followup_payload, notice_payloads

CardCheck = Callable[[dict[str, Any]], None]
TODAY = date(2026, 11, 20)
ASSESSMENT = Assessment(
    relevant=True,
    label=Label.ESCALATION,
    escalation=6.5,
    clarity=72,
    clarity_band=ClarityBand.COMMITMENT,
    hedged=False,
    topics=["tariffs"],
    actors=["US", "CN"],
)


def test_followup_is_a_compact_card_naming_the_story(assert_valid_card: CardCheck) -> None:
    item = Item(
        key="k",
        feed="f",
        title="MOFCOM publishes volumes",
        link="https://x.example.org/a",
        source="Wire",
    )
    payload = followup_payload(
        item, ASSESSMENT, "clarity 22 → 72 · volumes now given", "China approves licences", TODAY
    )
    card = payload["attachments"][0]["content"]
    assert_valid_card(card)
    text = json.dumps(card, ensure_ascii=False)
    assert "↳ clarity 22 → 72 · volumes now given" in text
    assert "Story: China approves licences" in text


def test_a_long_overflow_notice_keeps_every_link_within_the_cap(
    assert_valid_card: CardCheck,
) -> None:
    lines = [
        (f"Item {n} " + "x" * 150, f"https://n.example.org/{n}", ASSESSMENT) for n in range(190)
    ]
    payloads = notice_payloads("190 more relevant item(s)", lines)
    assert len(payloads) > 1
    dumped = "".join(json.dumps(p) for p in payloads)
    assert all(f'https://n.example.org/{n}"' in dumped for n in range(190))
    for payload in payloads:
        assert payload_size(payload) <= MAX_BYTES
        assert_valid_card(payload["attachments"][0]["content"])


def test_a_digest_chart_is_linked_from_the_bots_own_server(
    assert_valid_card: CardCheck, tmp_path: Path
) -> None:
    start = datetime(2026, 11, 19, tzinfo=UTC)
    series = {"tariffs": [(start, 3.0), (start.replace(hour=12), -2.0)]}
    png = render_escalation_chart(series, title="Escalation index", width_px=480, height_px=300)
    charts = ChartFiles(tmp_path, "https://bot.example.org/")
    url = charts.publish(png)
    payloads = notice_payloads(
        "Digest · last 24h",
        [("A story", "https://n.example.org/a", ASSESSMENT)],
        image_png=png,
        image_url=url,
        image_title="Escalation index per topic",
    )
    for payload in payloads:
        assert_valid_card(payload["attachments"][0]["content"])
        assert payload_size(payload) <= MAX_BYTES
    [image_card] = [p for p in payloads if '"type": "Image"' in json.dumps(p)]
    assert url in json.dumps(image_card)
    assert url.startswith("https://bot.example.org/charts/")
    assert (tmp_path / url.rsplit("/", 1)[1]).read_bytes() == png


def test_without_a_public_url_a_large_chart_is_left_out_not_the_list(
    assert_valid_card: CardCheck,
) -> None:
    big = b"\x89PNG" + bytes(40_000)
    payloads = notice_payloads(
        "Digest", [("A story", "https://n.example.org/a", ASSESSMENT)], image_png=big
    )
    assert len(payloads) == 1
    assert "A story" in json.dumps(payloads[0])
    assert_valid_card(payloads[0]["attachments"][0]["content"])

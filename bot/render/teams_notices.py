"""Teams cards for what is not a single alert: story follow-ups and notices (overflow folds,
digests, deadline reminders). Pure, like the rest of ``bot.render``."""

from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.domain.models import Assessment, Item
from bot.domain.text import one_line, shorten
from bot.render import glance
from bot.render.teams import (
    COLOR,
    MAX_BYTES,
    Budget,
    Card,
    Element,
    card,
    envelope,
    escape,
    fit,
    headline_block,
    item_actions,
    open_url,
    payload_size,
    safe_url,
    text_block,
)


def followup_payload(
    item: Item,
    assessment: Assessment,
    lead: str,
    story_title: str,
    today: date,
    *,
    max_bytes: int = MAX_BYTES,
) -> dict[str, Any]:
    """A later item of a story as a compact card that names the story and leads with the change
    (Workflows webhooks cannot reply in a thread)."""

    def build(budget: Budget) -> Card:
        body: list[Element] = [
            text_block(escape(f"↳ {shorten(one_line(lead), 300)}"), weight="Bolder"),
            text_block(
                escape(
                    f"Story: {shorten(one_line(story_title), budget.title)} · new source: {item.source or item.feed}"
                ),
                isSubtle=True,
                size="Small",
                spacing="None",
            ),
            headline_block(item, budget),
            text_block(
                escape(glance.glance(assessment, today)),
                color=COLOR[assessment.label],
                spacing="Small",
            ),
        ]
        return card(
            body, actions=item_actions(item), fallback=escape(f"↳ {shorten(one_line(lead), 150)}")
        )

    return envelope(fit(build, max_bytes))


NOTICE_ITEMS_PER_CARD = 40


def notice_payloads(
    title: str,
    lines: Sequence[tuple[str, str, Assessment | None]],
    *,
    image_png: bytes | None = None,
    image_url: str | None = None,
    image_title: str = "",
    max_bytes: int = MAX_BYTES,
) -> list[dict[str, Any]]:
    """A notice (overflow fold, digest, reminder) as one or more cards, each under ``max_bytes``;
    every line stays reachable (a line that does not fit moves to the next card). The chart goes
    in a card of its own: by ``image_url`` (the bot's published copy), else as a data URI when
    that fits the size cap."""
    payloads: list[dict[str, Any]] = []
    chunks = [
        list(lines[i : i + NOTICE_ITEMS_PER_CARD])
        for i in range(0, len(lines), NOTICE_ITEMS_PER_CARD)
    ] or [[]]
    for number, chunk in enumerate(chunks):
        heading = title if number == 0 else f"{title} — continued ({number + 1}/{len(chunks)})"

        def build(
            budget: Budget,
            heading: str = heading,
            chunk: list[tuple[str, str, Assessment | None]] = chunk,
        ) -> Card:
            body: list[Element] = [text_block(escape(shorten(heading, 300)), weight="Bolder")]
            for text, url, assessment in chunk:
                rating = (
                    f"{glance.direction(assessment)} · {assessment.clarity_band} · "
                    if assessment
                    else ""
                )
                entry = text_block(
                    escape(rating + shorten(one_line(text), budget.line_chars)), spacing="Small"
                )
                target = safe_url(url)
                body.append(
                    {
                        "type": "Container",
                        "items": [entry],
                        "selectAction": open_url(target, "Open article"),
                    }
                    if target
                    else entry
                )
            return card(body, fallback=escape(shorten(heading, 200)))

        payloads.append(envelope(fit(build, max_bytes)))
    uri = image_url if image_url and safe_url(image_url) else None
    if uri is None and image_png:
        uri = "data:image/png;base64," + base64.b64encode(image_png).decode()
    if uri:
        image_card = card(
            [
                text_block(escape(image_title or title), weight="Bolder"),
                {"type": "Image", "url": uri, "altText": escape(image_title or "chart")},
            ],
            fallback=escape(image_title or title),
        )
        if payload_size(envelope(image_card)) <= max_bytes:
            payloads.append(envelope(image_card))
    return payloads

"""``feeds add`` options for source kinds, and the preview shown before a source is accepted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from bot.domain.config import SOURCE_KINDS, HtmlSelectors
from bot.domain.text import shorten
from bot.services.sources import Probe

PREVIEW_ITEMS = 5

_OPTIONS = (
    click.option(
        "--kind",
        type=click.Choice(SOURCE_KINDS),
        help="Source kind (default: RSS/Atom, or what the body shows: JSON Feed, Federal Register).",
    ),
    click.option("--item", "item_sel", help="kind html: CSS selector of each list entry."),
    click.option("--title", "title_sel", help="kind html: selector of the title inside an entry."),
    click.option(
        "--link", "link_sel", help="kind html: selector of the link (an element with href)."
    ),
    click.option("--date", "date_sel", help="kind html: selector of the date inside an entry."),
    click.option(
        "--text", "text_sel", help="kind html: selector of the text (default: the linked page's)."
    ),
    click.option("--yes", "-y", is_flag=True, help="Accept without asking after the preview."),
)


def source_options(command: Callable[..., Any]) -> Callable[..., Any]:
    for option in reversed(_OPTIONS):
        command = option(command)
    return command


def source_spec(options: dict[str, Any]) -> dict[str, Any]:
    """The ``FeedSpec`` fields the options give (``kind``, ``select``)."""
    kind = options.get("kind")
    selectors = {
        key: options[f"{key}_sel"]
        for key in ("item", "title", "link", "date", "text")
        if options.get(f"{key}_sel")
    }
    if selectors and kind not in (None, "html"):
        raise click.UsageError("--item, --title, --link, --date and --text apply to --kind html")
    if kind == "html" and "item" not in selectors:
        raise click.UsageError("--kind html needs --item SELECTOR (and --title, --link, --date)")
    fields: dict[str, Any] = {}
    if kind:
        fields["kind"] = kind
    if selectors:
        fields["kind"] = "html"
        fields["select"] = HtmlSelectors(**selectors)
    return fields


def preview(probe: Probe) -> None:
    """What would be read from the source: the first entries with their dates and links."""
    entries = probe.parsed.entries
    if probe.page:
        click.echo(f"{probe.page} is a web page; it offers the feed {probe.spec.url}")
        for url, title, kind in probe.others[:5]:
            click.echo(f"  also offered: {url} ({title or kind}); add it by its URL")
    click.echo(f"{len(entries)} item(s) read as {probe.parsed.kind}; the first {PREVIEW_ITEMS}:")
    for entry in entries[:PREVIEW_ITEMS]:
        when = f"{entry.published:%Y-%m-%d}" if entry.published else "no date"
        click.echo(f"  • {shorten(entry.title or '(untitled)', 100)}  [{when}]")
        click.echo(f"    {entry.link or '(no link)'}")
        if entry.instrument is not None:
            doc = entry.instrument
            agencies = ", ".join(doc.agencies) or "no agency"
            click.echo(f"    {doc.type or 'document'} · {agencies} · {doc.document_number}")
        elif entry.summary:
            click.echo(f"    {shorten(' '.join(entry.summary.split()), 140)}")


def accept(probe: Probe, *, yes: bool) -> bool:
    """Show the preview; a page read with selectors is accepted only when confirmed (or --yes)."""
    preview(probe)
    if probe.spec.kind != "html" or yes:
        return True
    return click.confirm("Add this source?", default=True)


__all__ = ["accept", "source_options", "source_spec"]

"""Builders for JSON Feed, Federal Register and HTML bodies used by the tests (written for them)."""

from __future__ import annotations

import json
from typing import Any


def json_feed(
    items: list[dict[str, Any]], *, version: str = "1.1", title: str = "JSON Wire"
) -> str:
    return json.dumps(
        {
            "version": f"https://jsonfeed.org/version/{version}",
            "title": title,
            "home_page_url": "https://json.example.org/",
            "items": items,
        }
    )


def fr_document(number: str, **fields: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "title": "Additions to the Entity List",
        "type": "Rule",
        "abstract": (
            "The Bureau of Industry and Security amends the Export Administration Regulations by "
            "adding 12 entities in China to the Entity List for acquiring advanced semiconductors "
            "for military end uses."
        ),
        "action": "Final rule.",
        "document_number": number,
        "html_url": f"https://www.federalregister.gov/documents/2026/11/20/{number}/x",
        "publication_date": "2026-11-20",
        "effective_on": "2026-11-20",
        "comments_close_on": None,
        "agencies": [
            {"raw_name": "DEPARTMENT OF COMMERCE", "name": "Commerce Department"},
            {"raw_name": "Bureau of Industry and Security", "name": "Industry and Security Bureau"},
        ],
        "docket_ids": ["Docket No. 261117-0300"],
        "cfr_references": [{"title": 15, "part": 744}],
    }
    doc.update(fields)
    return doc


def federal_register(docs: list[dict[str, Any]]) -> str:
    return json.dumps(
        {"count": len(docs), "description": "Documents matching your search", "results": docs}
    )


def site_page(*links: tuple[str, str, str]) -> str:
    head = "".join(
        f'<link rel="alternate" type="{kind}" title="{title}" href="{href}">'
        for href, title, kind in links
    )
    return (
        f"<!DOCTYPE html><html><head><title>Ministry</title>{head}</head>"
        "<body><p>Welcome to the ministry's site.</p></body></html>"
    )


def announcement_page(entries: list[tuple[str, str, str]], *, extra: str = "") -> str:
    """A ministry-style list: ``(href, title, date)`` per entry."""
    rows = "".join(
        f'<li class="ann"><a class="t" href="{href}">{title}</a> <span class="d">{date}</span></li>'
        for href, title, date in entries
    )
    return (
        "<!DOCTYPE html><html><head><title>Announcements</title>"
        "<script>document.write('<li class=\"ann\">fake</li>')</script></head>"
        f'<body>{extra}<ul class="news">{rows}</ul></body></html>'
    )

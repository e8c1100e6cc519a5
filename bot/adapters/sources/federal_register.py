"""The Federal Register documents API (``/api/v1/documents.json``): each document an item that
carries its instrument (type, agencies, dates, docket and document number, CFR references).

Request the fields beyond the API's defaults with ``fields[]=`` parameters; ``with_fields`` adds
them to a query URL. Every field may be missing; a document without title, number and link is
skipped.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from bot.adapters.sources.common import (
    MAX_ENTRIES,
    day_of,
    html_text,
    text_of,
    title_of,
    web_link,
    when,
)
from bot.domain.models import Instrument
from bot.errors import ParseError
from bot.ports import ParsedEntry, ParsedFeed

PUBLISHER = "Federal Register"
FIELDS = (
    "title",
    "type",
    "abstract",
    "action",
    "document_number",
    "html_url",
    "publication_date",
    "effective_on",
    "comments_close_on",
    "agencies",
    "docket_ids",
    "cfr_references",
    "excerpts",
)


def is_federal_register(data: Any) -> bool:
    """A documents search response: a ``results`` list, or ``count`` with no results."""
    if not isinstance(data, dict):
        return False
    if isinstance(data.get("results"), list):
        return True
    return isinstance(data.get("count"), int) and "description" in data and "items" not in data


def with_fields(url: str) -> str:
    """The query URL asking for every field an item needs (unchanged if it names any)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    if not parts.path.endswith("/documents.json") or any(k == "fields[]" for k, _ in query):
        return url
    query += [("fields[]", f) for f in FIELDS]
    return urlunsplit(parts._replace(query=urlencode(query, safe="[]")))


def parse_federal_register(data: Any, url: str) -> ParsedFeed:
    if not is_federal_register(data):
        raise ParseError(f"{url} is not a Federal Register documents response (no 'results')")
    results = data.get("results") or []
    entries = [_entry(doc) for doc in results[:MAX_ENTRIES] if isinstance(doc, dict)]
    return ParsedFeed(
        title=PUBLISHER,
        entries=[e for e in entries if e is not None],
        kind="federal-register",
    )


def _strings(value: object, limit: int = 20) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(t for t in (title_of(v) for v in value[:limit]) if t)


def _agencies(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    names = []
    for agency in value[:10]:
        if isinstance(agency, dict):
            name = title_of(agency.get("name")) or title_of(agency.get("raw_name"))
            if name and name not in names:
                names.append(name)
    return tuple(names)


def _cfr(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        return ()
    refs = []
    for ref in value[:20]:
        if isinstance(ref, dict) and title_of(ref.get("title")) and title_of(ref.get("part")):
            refs.append(f"{title_of(ref.get('title'))} CFR {title_of(ref.get('part'))}")
    return tuple(refs)


def _entry(doc: dict[str, Any]) -> ParsedEntry | None:
    number = title_of(doc.get("document_number"))[:40]
    title = title_of(doc.get("title"))
    link = web_link(doc.get("html_url"), "https://www.federalregister.gov/")
    if not link and number:
        link = f"https://www.federalregister.gov/d/{number}"
    if not (title or number or link):
        return None
    excerpts = doc.get("excerpts")
    abstract = text_of(doc.get("abstract")) or (
        html_text(excerpts) if isinstance(excerpts, str) else ""
    )
    instrument = Instrument(
        publisher=PUBLISHER,
        type=title_of(doc.get("type"))[:60],
        agencies=_agencies(doc.get("agencies")),
        document_number=number,
        published=day_of(doc.get("publication_date")),
        effective=day_of(doc.get("effective_on")),
        comments_close=day_of(doc.get("comments_close_on")),
        dockets=_strings(doc.get("docket_ids")),
        cfr=_cfr(doc.get("cfr_references")),
    )
    return ParsedEntry(
        guid=f"federalregister:{number}" if number else "",
        link=link,
        title=title or f"{PUBLISHER} document {number}".strip(),
        summary=_summary(abstract, text_of(doc.get("action"), 300), instrument),
        published=when(doc.get("publication_date")),
        instrument=instrument,
    )


def _summary(abstract: str, action: str, doc: Instrument) -> str:
    """The abstract, then what the instrument itself says: who issued it and its dates."""
    facts = []
    if doc.type or doc.agencies:
        by = f" by {', '.join(doc.agencies)}" if doc.agencies else ""
        facts.append(f"{doc.type or 'Document'} issued{by}.")
    if action:
        facts.append(f"Action: {action.rstrip('.')}.")
    if doc.effective:
        facts.append(f"Effective {doc.effective:%-d %B %Y}.")
    if doc.comments_close:
        facts.append(f"Comments close {doc.comments_close:%-d %B %Y}.")
    return "\n".join(p for p in (abstract, " ".join(facts)) if p)

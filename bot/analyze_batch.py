"""The lines of ``signalbot analyze --jsonl``, scored in blocks (in this process or in workers).

Kept apart from the command so that a worker process imports only this and the scorer.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from bot.domain.models import Article

if TYPE_CHECKING:
    from bot.ports import Scorer

Line = tuple[int, str]
"""A line of input and its number (from 1)."""
Outcome = tuple[int, str | None, str]
"""A line's number, why it could not be scored (None when it was), and its line of output."""


def published_at(value: object) -> datetime | str:
    """A publication time given as ISO 8601 ("2026-05-12", "2026-05-12T09:30:00Z"; a date is its
    midnight and a time without an offset is UTC), or why it cannot be read."""
    if not isinstance(value, str):
        return f"'published' must be an ISO 8601 date or time, found {type(value).__name__}"
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        return f"'published' must be an ISO 8601 date or time, found {value[:40]!r}"
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)


def read_line(line: str) -> tuple[dict[str, Any], str] | str:
    """The object and its text, or why the line cannot be scored."""
    try:
        obj = json.loads(line.strip())
    except json.JSONDecodeError as exc:
        return f"not valid JSON: {exc.msg} at column {exc.colno}"
    if not isinstance(obj, dict):
        return f"expected a JSON object with 'text', found {type(obj).__name__}"
    text = obj.get("text")
    if text is None:
        return "no 'text' field"
    if not isinstance(text, str):
        return f"'text' must be a string, found {type(text).__name__}"
    if not text.strip():
        return "'text' is empty"
    if obj.get("published") is not None and isinstance(when := published_at(obj["published"]), str):
        return when
    return obj, text


def score_lines(scorer: Scorer, lines: list[Line]) -> list[Outcome]:
    """Each non-blank line's output: its assessment with its id, or an error object."""
    out: list[Outcome] = []
    for number, line in lines:
        parsed = read_line(line)
        if isinstance(parsed, str):
            error = json.dumps({"id": None, "line": number, "error": parsed})
            out.append((number, parsed, error))
            continue
        obj, text = parsed
        published = obj.get("published")
        article = Article(
            title=str(obj.get("title") or ""),
            text=text,
            # (read_line has checked it) dates in the text ("May 14") resolve against it
            published=published_at(published) if published is not None else None,
        )
        # The assessment's JSON comes from pydantic's serialiser, a fifth of the cost of
        # dumping it to a dict and encoding that; the line's id goes in front of its fields.
        assessment = scorer.score(article).model_dump_json()
        ident = json.dumps(obj.get("id"), ensure_ascii=False)
        out.append((number, None, f'{{"id":{ident},{assessment[1:]}'))
    return out

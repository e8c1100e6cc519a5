"""Cheap, deterministic sentence splitting with a cap on how much of a text is read."""

from __future__ import annotations

import re

MAX_CHARS = 40_000
"""Only this many characters of an article body are scored (about 6,000 words)."""
MAX_SENTENCES = 150
"""Only this many sentences of an article are scored."""
MAX_SENTENCE_CHARS = 600
"""A run-on 'sentence' (tables, lists without punctuation) is cut to this length."""

_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’)\]]*\s+(?=[\"“(\[]?[A-Z0-9])|\s*\n\s*")
_ABBREV = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "col",
        "lt",
        "sgt",
        "capt",
        "gov",
        "sen",
        "rep",
        "st",
        "jr",
        "sr",
        "no",
        "nos",
        "vs",
        "inc",
        "corp",
        "co",
        "ltd",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
        "u.s",
        "u.k",
        "u.n",
        "e.u",
        "messrs",
        "rev",
        "fig",
        "approx",
    ]
)
_SPACE = re.compile(r"[ \t\r\f\v\u00a0\u2000-\u200b\u3000]+")


def _ends_with_abbreviation(piece: str) -> bool:
    tail = piece.rstrip()
    if not tail.endswith("."):
        return False
    word = tail[:-1].rsplit(None, 1)[-1] if tail[:-1].strip() else ""
    word = word.lstrip('("“').lower()
    return word in _ABBREV or (len(word) == 1 and word.isalpha())


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (at most MAX_SENTENCES, from its first MAX_CHARS characters)."""
    text = _SPACE.sub(" ", text[:MAX_CHARS])
    out: list[str] = []
    carry = ""
    pos = 0
    for m in _BOUNDARY.finditer(text):
        piece = text[pos : m.start()]
        pos = m.end()
        if "\n" not in m.group() and _ends_with_abbreviation(piece):
            carry += piece + " "
            continue
        sentence = (carry + piece).strip()
        carry = ""
        if sentence:
            out.append(sentence[:MAX_SENTENCE_CHARS])
            if len(out) >= MAX_SENTENCES:
                return out
    last = (carry + text[pos:]).strip()
    if last and len(out) < MAX_SENTENCES:
        out.append(last[:MAX_SENTENCE_CHARS])
    return out

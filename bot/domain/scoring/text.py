"""Cheap, deterministic sentence splitting and tokenising, done once per article.

Both run almost entirely in C (one regex scan for sentence ends, ``str.replace``/``str.split`` for
tokens): the scorer must read thousands of articles a second on one core.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from operator import methodcaller
from typing import Final

MAX_CHARS: Final = 40_000
"""Only this many characters of an article body are scored (about 6,000 words)."""
MAX_SENTENCES: Final = 150
"""Only this many sentences of an article are scored."""
MAX_SENTENCE_CHARS: Final = 600
"""A run-on 'sentence' (tables, lists without punctuation) is cut to this length."""

_CLOSE: Final = r"[\"”’)\]]*"
_NEXT: Final = r"\s+(?=[\"“(\[]?[A-Z0-9])"
_BOUNDARY: Final = re.compile(rf"(\.{_CLOSE}){_NEXT}")
"""A sentence end after a full stop: a pattern that starts with one character is searched for
like a string, many times faster than one that starts with a class of them ("[.!?]")."""
_OTHER_BOUNDARY: Final = re.compile(rf"([!?]{_CLOSE}){_NEXT}")
"""A sentence end after "!" or "?" (only searched for in paragraphs that have one)."""
_ASCII_SPACES: Final = ("\t", "\x0b", "\x0c", "\r", "\x1c", "\x1d", "\x1e", "\x1f")
"""The ASCII whitespace other than the space and the newline."""
_ABBREV: Final = frozenset(
    (
        "mr", "mrs", "ms", "dr", "prof", "gen", "col", "lt", "sgt", "capt", "gov", "sen", "rep",
        "st", "jr", "sr", "no", "nos", "vs", "inc", "corp", "co", "ltd", "jan", "feb", "mar", "apr",
        "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.u",
        "messrs", "rev", "fig", "approx",
    )
)  # fmt: skip
_SENT: Final = "\x02"
_DOT: Final = "\x03"
# (old, new) pairs applied to the whole article in order; none may create or remove a token in
# one spelling and not the other, so the as-written and normalised token lists stay aligned.
_PAD: Final = (
    (", ", " , "),
    ("; ", " ; "),
    (": ", " : "),
    (". ", " . "),
    ("?", " ? "),
    ("!", " ! "),
    ("(", " ( "),
    (")", " ) "),
    ('"', ' " '),
    ("“", " “ "),
    ("”", " ” "),
    ("‘", " ‘ "),
    ("’ ", " ’ "),
    ("' ", " ' "),
    (" '", " ' "),
    ("%", " % "),
    ("$", "$ "),
    ("€", " € "),
    ("£", " £ "),
    ("¥", " ¥ "),
    ("/", " / "),
    ("—", " — "),
    ("–", " – "),
    ("…", " … "),
    ("-", " "),
)
_PADDING: Final = tuple((old, new, old.strip(" ")[:1] if len(old) > 1 else "") for old, new in _PAD)
"""``_PAD`` with, for a pattern of two characters, its character other than the space: searched
for first, like a string (the two-character search tests every character of the text)."""
_ASCII_PADDING: Final = tuple(p for p in _PADDING if p[0].isascii())
"""The patterns of ``_PADDING`` that ASCII text can hold (the others are skipped there)."""
_NORM: Final = (("’", "'"), ("'s ", " "), (" . ", f" {_DOT} "), (".", ""), (_DOT, "."))
_ASCII_NORM: Final = tuple(p for p in _NORM if p[0].isascii())
_TOKEN_RE: Final = re.compile(r"\d+(?:[.,:]\d+)*|[^\W_]+(?:['’.][^\W_]+)*|[^\w\s-]")
PUNCT: Final = frozenset('.,;:!?()"“”')

Tokens = tuple[list[str], list[str]]
"""A sentence's tokens as written and normalised (lower case, no possessive, no inner dots)."""


def split_sentences(text: str) -> list[str]:
    """Sentences of ``text`` (at most MAX_SENTENCES, from its first MAX_CHARS characters)."""
    out: list[str] = []
    for para in text[:MAX_CHARS].split("\n"):
        spaced = _single_spaced(para)
        ends: Iterable[re.Match[str]] = _BOUNDARY.finditer(para)
        if "!" in para or "?" in para:  # (no end overlaps another: each starts with its mark)
            ends = sorted([*ends, *_OTHER_BOUNDARY.finditer(para)], key=_start)
        pos = 0
        for m in ends:
            # a piece is cut after the space that follows its end: the only whitespace there in a
            # single-spaced paragraph (stripped with the piece's edges), and split away otherwise
            dot, nxt = m.start(), m.end()
            if para[dot] == ".":
                start = para.rfind(" ", 0, dot) + 1  # the word before the full stop
                if dot - start <= 7:
                    word = para[start:dot].lstrip('("“').lower()
                    if word in _ABBREV or (len(word) == 1 and word.isalpha()):
                        continue
            piece = para[pos:nxt].strip(" ") if spaced else " ".join(para[pos:nxt].split())
            pos = nxt
            if piece:
                out.append(piece[:MAX_SENTENCE_CHARS])
                if len(out) >= MAX_SENTENCES:
                    return out
        last = para[pos:].strip(" ") if spaced else " ".join(para[pos:].split())
        if last:
            out.append(last[:MAX_SENTENCE_CHARS])
            if len(out) >= MAX_SENTENCES:
                return out
    return out


_start = methodcaller("start")


def _single_spaced(para: str) -> bool:
    """Whether the only whitespace in ``para`` is single spaces: then stripping the edges of a
    piece is what splitting and joining its words gives. (Every whitespace but the space is
    unprintable, and the ASCII ones are few.)"""
    if "  " in para:
        return False
    if not para.isascii():
        return para.isprintable()
    return not any(map(para.__contains__, _ASCII_SPACES))


def _tokenize_slow(sentence: str) -> Tokens:
    raw: list[str] = _TOKEN_RE.findall(sentence)
    norms = []
    for t in raw:
        n = t.lower().replace("’", "'")
        if n.endswith("'s") and len(n) > 2:
            n = n[:-2]
        if "." in n and len(n) > 1:
            n = n.replace(".", "") or n
        norms.append(n)
    return raw, norms


def tokenize(sentence: str) -> Tokens:
    """Tokens of one sentence, as written and normalised."""
    return tokenize_all([sentence])[0]


def tokenize_all(sentences: list[str]) -> list[Tokens]:
    """Tokens of every sentence, padded and split in one pass over the joined text."""
    joined = f" {_SENT} ".join(sentences) + " "
    if _DOT in joined:
        return [_tokenize_slow(s) for s in sentences]
    ascii = joined.isascii()  # (a flag of the string: no pass over it)
    for old, new, hint in _ASCII_PADDING if ascii else _PADDING:
        if (not hint or hint in joined) and old in joined:
            joined = joined.replace(old, new)
    low = joined.lower()
    for old, new in _ASCII_NORM if ascii else _NORM:
        if old in low:
            low = low.replace(old, new)
    raw_parts = joined.split(_SENT)
    low_parts = low.split(_SENT)
    # a sentence with the separator in it gives one part more (neither padding nor lower case
    # adds or removes one)
    if len(raw_parts) != len(sentences) or len(low_parts) != len(sentences):
        return [_tokenize_slow(s) for s in sentences]
    raws, lows = list(map(str.split, raw_parts)), list(map(str.split, low_parts))
    if list(map(len, raws)) == list(map(len, lows)):  # (the common case: every part splits alike)
        return list(zip(raws, lows, strict=True))
    return [
        (raw, norms) if len(raw) == len(norms) else _tokenize_slow(s)
        for s, raw, norms in zip(sentences, raws, lows, strict=True)
    ]


_DIGIT: Final = re.compile(r"\d")
DIGIT_MARKS: Final = bytes.maketrans(b"0123456789", b"##########")
"""A byte table that marks the ten ASCII digits (``#``) and keeps every other byte."""


def has_digit(text: str) -> bool:
    """Whether ``text`` has a digit (``\\d``). ASCII text has one when marking the ten ASCII digits
    in its bytes changes them: several times cheaper than a regex search, which tests every
    character against the class (and cheaper than deleting them, which builds two tables)."""
    if text.isascii():
        return (data := text.encode()).translate(DIGIT_MARKS) != data
    return _DIGIT.search(text) is not None


_RENDERED_MARKS: Final = frozenset("%,$.()")
"""The characters that ``render`` moves a space away from (one in each of its patterns)."""


def render(tokens: list[str]) -> str:
    """Tokens joined back into readable text (no space before %, commas and closing marks)."""
    text = " ".join(tokens)
    if _RENDERED_MARKS.isdisjoint(text):  # (one pass in C: most phrases have none)
        return text
    for old, new in ((" %", "%"), (" ,", ","), ("$ ", "$"), (" .", "."), ("( ", "("), (" )", ")")):
        if old in text:
            text = text.replace(old, new)
    return text

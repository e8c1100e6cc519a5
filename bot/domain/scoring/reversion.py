"""A snap-back cue in a sentence and the phrase an alert shows for it ("threat of full tariff
restoration in August")."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

from .dates import DateMention, span_days
from .lexicon import END, PAYLOAD, PUNCT, START, Span, load
from .text import render


class Reversion:
    """A snap-back cue: resolved date (if any), whether it stands alone, and its readable phrase
    (rendered on demand: an item reports one snap-back, its sentences may carry many)."""

    __slots__ = ("_cue", "_raw", "_resolved", "date", "strong")

    def __init__(self, cue: Span, raw: list[str], resolved: DateMention | None) -> None:
        self._cue, self._raw, self._resolved = cue, raw, resolved
        self.date: date | None = resolved.date if resolved else None
        self.strong = bool(cue[PAYLOAD])

    @property
    def phrase(self) -> str:
        """The cue in its clause (up to three tokens either side, not starting or ending on a
        function word), completed by or followed by the date expression."""
        cue, resolved, raw = self._cue, self._resolved, self._raw
        lo, hi = _clause_span(raw, cue[START], cue[END])
        phrase = render(raw[lo:hi])
        if resolved is not None and resolved.text.lower() not in phrase.lower():
            end = _date_end(raw, resolved.text.lower(), lo, hi)
            if end > hi:  # "… by August" -> "… by August 12"
                return render(raw[lo:end])
            phrase = f"{phrase} … {resolved.text}"
        return phrase


_EDGE_WORDS: Final = frozenset(load("settings.toml")["words"]["edge_words"])


def _clause_span(raw: list[str], i: int, j: int, width: int = 3) -> tuple[int, int]:
    """Tokens [i, j) with up to ``width`` more on each side, within punctuation, widened by one
    token where an edge would be a function word ("threat of … restoration in August")."""
    lo, hi = max(0, i - width), min(len(raw), j + width)
    for k in range(i - 1, lo - 1, -1):
        if raw[k] in PUNCT:
            lo = k + 1
            break
    for k in range(j, hi):
        if raw[k] in PUNCT:
            hi = k
            break
    if lo < i and raw[lo].lower() in _EDGE_WORDS and lo and raw[lo - 1] not in PUNCT:
        lo -= 1
    if hi > j and raw[hi - 1].lower() in _EDGE_WORDS and hi < len(raw) and raw[hi] not in PUNCT:
        hi += 1
    return lo, hi


def _date_end(raw: list[str], text: str, lo: int, hi: int) -> int:
    """Where the date expression ``text`` ends when it begins inside tokens [lo, hi), else -1."""
    for k in range(lo, hi):
        if not text.startswith(raw[k].lower()):
            continue
        for m in range(k + 1, min(len(raw), k + 8) + 1):
            if render(raw[k:m]).lower() == text:
                return m
    return -1


_START_KINDS: Final = frozenset(("mdy", "dmy", "iso", "month"))


def temporary_span(
    raw: list[str], norms: list[str], dates: list[DateMention], published: date | None
) -> Reversion | None:
    """A move made "for N days" lapses when the span ends: N days after the start date given in
    the sentence ("starting May 14"), else after publication; None without such a span."""
    for d in dates:
        days = span_days(d.text) if d.kind == "relative" else None
        if days is None:
            continue
        k = next((k for k in range(len(norms) - 2) if norms[k] == "for" and norms[k + 2][:3]
                  in ("day", "wee", "mon", "yea")), -1)  # fmt: skip
        if k < 0:
            return None
        start = next((x.date for x in dates if x.kind in _START_KINDS and x.date), published)
        when = start + timedelta(days=days) if start is not None else None
        cue: Span = ("reversion", True, k, k + 3, " ".join(norms[k : k + 3]))
        return Reversion(cue, raw, DateMention(d.text, d.start, "span", when))
    return None

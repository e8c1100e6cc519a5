"""Date expressions in a sentence, resolved against the publication date of the article."""

from __future__ import annotations

import calendar
import re
from datetime import date, timedelta
from itertools import compress, islice
from operator import itemgetter
from typing import Final, NamedTuple

from .text import has_digit

_MONTHS: Final = {
    name.lower(): i
    for i in range(1, 13)
    for name in (calendar.month_name[i], calendar.month_abbr[i])
}
_MONTHS["sept"] = 9
_MONTH: Final = r"(?P<{g}>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DAY: Final = r"(?P<{g}>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR: Final = r"(?P<{g}>(?:19|20)\d\d)"

_YEAR_WORDS: Final = ("in", "by", "until", "before", "from", "through", "end of", "for", "the")
"""What a year is set for or named by: the words before it that the year pattern reads."""

_PATTERNS: Final[list[tuple[str, re.Pattern[str]]]] = [
    ("iso", re.compile(r"\b(?P<y>(?:19|20)\d\d)-(?P<m>[01]\d)-(?P<d>[0-3]\d)\b")),
    (
        "mdy",
        re.compile(
            r"\b(?=[adfjmnos])"  # first letters of the months: a cheap filter for the alternation
            + _MONTH.format(g="m")
            + r"\s+"
            + _DAY.format(g="d")
            + r"\b(?:,?\s+"
            + _YEAR.format(g="y")
            + r")?",
            re.IGNORECASE,
        ),
    ),
    (
        "dmy",
        re.compile(
            r"\b"
            + _DAY.format(g="d")
            + r"(?:\s+of)?\s+"
            + _MONTH.format(g="m")
            + r"(?:,?\s+"
            + _YEAR.format(g="y")
            + r")?",
            re.IGNORECASE,
        ),
    ),
    (
        "relative",
        re.compile(
            r"\b(?=[wifao])(?:within|in|for|after|over)\s+"
            r"(?:the\s+next\s+|another\s+|a\s+further\s+)?"  # "for another 90 days"
            r"(?P<n>\d{1,3}|one|two|three|four|"
            r"five|six|seven|eight|nine|ten|twelve)\s+(?P<u>days?|weeks?|months?)\b",
            re.IGNORECASE,
        ),
    ),
    (
        "span",
        re.compile(r"\b(?P<n>\d{1,3})[- ](?P<u>day|week|month)\b", re.IGNORECASE),
    ),
    (
        "month",
        re.compile(
            r"\b(?=[abefilmostu])(?:in|by|until|before|from|through|after|end of|early|mid|late|"
            r"of|on)"
            r"\s+(?:mid-|early\s+|late\s+)?"
            + _MONTH.format(g="m")
            + r"(?:\s+"
            + _YEAR.format(g="y")
            + r")?\b",
            re.IGNORECASE,
        ),
    ),
    # a year a measure is set for or named by ("quotas for 2026", "the 2026 quota")
    (
        "year",
        re.compile(r"\b(?:" + "|".join(_YEAR_WORDS) + r")\s+(?P<y>20\d\d)\b", re.I),
    ),
]
_NUMBER_WORDS: Final = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "twelve": 12,
}  # fmt: skip


class DateMention(NamedTuple):
    """A date expression: its text, character offset and resolved date (None if unresolvable)."""

    text: str
    start: int
    kind: str
    date: date | None


_new = tuple.__new__
_by_start = itemgetter(1)


_MDAYS: Final = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _safe_date(year: int, month: int, day: int) -> date | None:
    if not 1 <= month <= 12:
        return None
    last = 29 if month == 2 and calendar.isleap(year) else _MDAYS[month]
    if not 1 <= day <= last:
        return None
    return date(year, month, day)


def _resolve(kind: str, g: dict[str, str | None], published: date | None) -> date | None:
    if kind == "relative" or kind == "span":
        if published is None:
            return None
        n_raw = (g["n"] or "0").lower()
        n = (
            _NUMBER_WORDS.get(n_raw) or int(n_raw)
            if n_raw.isdigit() or n_raw in _NUMBER_WORDS
            else 0
        )
        unit = (g["u"] or "day").lower()
        days = n * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1)
        return published + timedelta(days=days) if n else None
    if kind == "year":
        return _safe_date(int(g["y"] or 0), 1, 1)
    month = (
        _MONTHS.get((g.get("m") or "").lower().rstrip("."), 0)
        if kind != "iso"
        else int(g["m"] or 0)
    )
    day = int(g.get("d") or 1)
    if g.get("y"):
        return _safe_date(int(g["y"] or 0), month, day)
    if published is None:
        return None
    candidate = _safe_date(published.year, month, day)
    if candidate is not None and candidate < published:
        candidate = _safe_date(published.year + 1, month, day)
    return candidate


_NAMED: Final = frozenset(("mdy", "dmy", "month"))
LATE_YEAR: Final = 9900
"""From this publication year on, resolving a date can overflow ``date`` (and make the scorer fall
back to neutral): callers that skip resolution must still resolve there."""
_MONTH_PREFIXES: Final = tuple(calendar.month_abbr[i] for i in range(1, 13))
_WINDOW_BEFORE, _WINDOW_AFTER = 32, 26
_MONTH_PREFIX_RE: Final = re.compile("|".join(_MONTH_PREFIXES))


def _month_windows(sentence: str) -> list[tuple[int, int]]:
    """Character windows around capitalised month names: the named-month patterns only run there
    (the whole-sentence search with a case-insensitive month alternation is the costly part)."""
    # the prefixes are capitalised and no lower-case tail of one starts another, so their
    # occurrences never overlap and one alternation finds them all, in order
    merged: list[tuple[int, int]] = []
    for m in _MONTH_PREFIX_RE.finditer(sentence):
        at = m.start()
        lo, hi = max(0, at - _WINDOW_BEFORE), at + _WINDOW_AFTER
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


_YEAR_DIGITS: Final = re.compile(r"20\d\d")
_YEAR_REACH: Final = max(map(len, _YEAR_WORDS))


def _year_windows(sentence: str) -> list[tuple[int, int]]:
    """Character windows around years written after whitespace: the year pattern only runs there
    (tried at every character, its case-insensitive alternation costs more than the rest of the
    date search). A window reaches the longest word before the year and one character past it,
    where the word boundary after the year is read."""
    merged: list[tuple[int, int]] = []
    for m in _YEAR_DIGITS.finditer(sentence):
        at = q = m.start()
        while q and sentence[q - 1].isspace():
            q -= 1
        if q == at:
            continue  # no whitespace before it: the pattern cannot end here
        lo, hi = max(0, q - _YEAR_REACH), at + 5
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], hi)
        else:
            merged.append((lo, hi))
    return merged


_HINTS: Final = {
    "iso": re.compile(r"-[01]\d-[0-3]\d\b"),
    "span": re.compile(r"\d[- ](?:day|week|month)\b", re.IGNORECASE),
}
"""What every match of these patterns holds, found far more cheaply (from a first character, or
a string) than the pattern, whose word boundary comes first and is tried at every character."""


_TRIED: Final[dict[frozenset[str] | None, list[tuple[str, re.Pattern[str]]]]] = {}
"""The patterns tried for each set of kinds (``find_dates``), in their order."""


def find_dates(
    sentence: str,
    published: date | None,
    kinds: frozenset[str] | None = None,
    *,
    resolve: bool = True,
) -> list[DateMention]:
    """Date expressions in ``sentence``, most specific first per position, without overlaps.

    ``kinds`` (when the caller knows which can occur) limits the patterns that are tried; with
    ``resolve=False`` the mentions carry no date (for callers that only need where they are).
    """
    taken: list[tuple[int, int]] = []
    out: list[DateMention] = []
    windows: list[tuple[int, int]] | None = None
    tried = _TRIED.get(kinds)
    if tried is None:
        tried = [(kind, pattern) for kind, pattern in _PATTERNS if kinds is None or kind in kinds]
        _TRIED[kinds] = tried  # (at most one entry per set of the seven kinds)
    for kind, pattern in tried:
        if kind == "year" and "20" not in sentence:
            continue  # (every year match contains "20")
        if kind in _NAMED:
            windows = _month_windows(sentence) if windows is None else windows
            found = [m for lo, hi in windows for m in pattern.finditer(sentence, lo, hi)]
        elif kind == "year":
            found = [
                m for lo, hi in _year_windows(sentence) for m in pattern.finditer(sentence, lo, hi)
            ]
        elif kind in _HINTS and not _HINTS[kind].search(sentence):
            continue
        else:
            found = list(pattern.finditer(sentence))
        for m in found:
            start, end = m.span()
            for s, e in taken:
                if start < e and s < end:
                    break  # overlaps an earlier (more specific) mention
            else:
                if kind in ("mdy", "month") and m.group("m") == "may":
                    continue  # the modal verb, not the month
                when = _resolve(kind, m.groupdict(), published) if resolve else None
                out.append(_new(DateMention, (m.group(), start, kind, when)))
                taken.append((start, end))
    if len(out) > 1:
        out.sort(key=_by_start)
    return out


DATE_WORDS: Final = frozenset(
    [
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
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
        "day",
        "days",
        "week",
        "weeks",
        "month",
        "months",
    ]
)
_PLAIN_MONTHS: Final = frozenset(
    ("January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep",
     "Sept", "Oct", "Nov", "Dec")
)  # fmt: skip
"""Month names as written: a date without a digit ("by August") needs one of these."""
_UNIT_WORDS: Final = frozenset(("day", "days", "week", "weeks", "month", "months"))
YEAR_LIKE: Final = frozenset(str(y) for y in range(1900, 2100))
KIND_WORDS: Final = DATE_WORDS | _UNIT_WORDS | YEAR_LIKE
"""The words ``date_kinds`` tests a sentence's words against."""


_YEAR_ONLY: Final = frozenset(("year",))
_YEAR_BEFORE: Final = frozenset(
    ("in", "by", "until", "before", "from", "through", "of", "for", "the")
)
"""Words before a year that the year pattern reads ("in 2026", "by 2030", "end of 2027")."""


def _year_mention(norms: list[str]) -> bool:
    """Whether a year stands after a word the year pattern reads (a cheap test before the regex)."""
    # (the years, found in C; the first word has none before it)
    for k in compress(range(1, len(norms)), map(YEAR_LIKE.__contains__, islice(norms, 1, None))):
        if norms[k - 1] in _YEAR_BEFORE:
            return True
    return False


def date_kinds(
    text: str,
    raw: list[str],
    norms: list[str],
    listed: frozenset[str] | None = None,
    digit: bool | None = None,
) -> frozenset[str]:
    """The date patterns worth trying on a sentence, from cheap token tests; ``listed``, when
    given, holds (at least) the sentence's words of ``KIND_WORDS``, tested instead of them all,
    and ``digit`` whether ``text`` has a digit."""
    words = norms if listed is None else listed
    if DATE_WORDS.isdisjoint(words):
        return _YEAR_ONLY if _year_mention(norms) else frozenset()
    if digit is None:
        digit = has_digit(text)
    kinds: set[str] = set()
    if not _PLAIN_MONTHS.isdisjoint(raw):
        kinds.add("month")
        if digit:
            kinds.update(("mdy", "dmy", "year"))
    if not _UNIT_WORDS.isdisjoint(words):
        kinds.add("relative")
        if digit:
            kinds.add("span")
    if digit and "-" in text:
        kinds.add("iso")
    if digit and not YEAR_LIKE.isdisjoint(words):
        kinds.add("year")
    return frozenset(kinds)


_FOR_SPAN: Final = re.compile(
    r"^for\s+(?:the\s+next\s+|another\s+|a\s+further\s+)?(?P<n>\d{1,3}|one|two|three|four|five|six|seven|eight|nine|ten|"
    r"twelve)\s+(?P<u>days?|weeks?|months?)$",
    re.IGNORECASE,
)


def span_days(text: str) -> int | None:
    """The length in days of a duration mention "for 90 days", "for six months" (None if the
    mention is not one)."""
    m = _FOR_SPAN.match(text.strip())
    if m is None:
        return None
    n_raw = m["n"].lower()
    n = _NUMBER_WORDS.get(n_raw) or int(n_raw) if n_raw.isdigit() or n_raw in _NUMBER_WORDS else 0
    unit = m["u"].lower()
    return n * (7 if unit.startswith("week") else 30 if unit.startswith("month") else 1) or None

"""The scorer's shortcuts must not change what it finds (date windows, lazy date resolution, year
windows and date hints, the digit scan before the glued-amount pattern, digits told without a
regex, sentences spaced by single spaces)."""

from __future__ import annotations

import calendar
import re
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.scoring.dates import (
    _HINTS,
    _PATTERNS,
    _month_windows,
    _year_windows,
    find_dates,
)
from bot.domain.scoring.sentence import _CODES, _GLUED_AMOUNT, _GLUED_TAIL
from bot.domain.scoring.text import has_digit, split_sentences

_PREFIXES = tuple(calendar.month_abbr[i] for i in range(1, 13))


def _reference_windows(sentence: str) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    for prefix in _PREFIXES:
        at = sentence.find(prefix)
        while at >= 0:
            spans.append((max(0, at - 32), at + 26))
            at = sentence.find(prefix, at + 3)
    spans.sort()
    merged: list[tuple[int, int]] = []
    for lo, hi in spans:
        if merged and lo <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


_PIECES = st.sampled_from([*_PREFIXES, "May", "March 3", "ay", "an", " ", "JanFeb", "x", "1"])


@given(st.lists(_PIECES, max_size=30).map("".join))
def test_month_windows_match_the_per_prefix_search(sentence: str) -> None:
    assert _month_windows(sentence) == _reference_windows(sentence)


@pytest.mark.parametrize(
    "sentence",
    [
        "Tariffs take effect on August 1, 2025 and lapse within 90 days.",
        "The truce expires in mid-March unless extended by the end of June.",
        "Talks resume 2025-07-09, officials said, after a 30-day pause in 2025.",
    ],
)
def test_unresolved_dates_are_the_same_mentions(sentence: str) -> None:
    resolved = find_dates(sentence, date(2025, 6, 3))
    bare = find_dates(sentence, date(2025, 6, 3), resolve=False)
    assert [(d.text, d.start, d.kind) for d in bare] == [
        (d.text, d.start, d.kind) for d in resolved
    ]
    assert all(d.date is None for d in bare)
    assert any(d.date is not None for d in resolved)


_AMOUNT_PIECES = st.sampled_from(
    [*_CODES, *(c.upper() for c in _CODES), "$", "1", "5bn", " ", "x", "-", ".", "ſ", "K", "٣"]
)


@given(st.lists(_AMOUNT_PIECES, max_size=12).map("".join))
def test_glued_amount_precheck_never_misses_an_amount(text: str) -> None:
    """The digit scan before the glued-amount pattern passes every text the pattern matches."""
    if _GLUED_AMOUNT.search(text):
        assert _GLUED_TAIL.search(text)


@pytest.mark.parametrize("text", ["RM1m in aid", "a fine of A$1bn", "HK$3.2bn", "krw100bn"])
def test_glued_amounts_pass_the_precheck(text: str) -> None:
    assert _GLUED_AMOUNT.search(text)
    assert _GLUED_TAIL.search(text)


_TEXT_PIECES = st.sampled_from(
    ["Mr.", " ", "  ", "\t", "\xa0", "\u2009", "\u200b", "\x85", "A", "b", ".", "?", '"', "\n", "5"]
)


@given(st.lists(_TEXT_PIECES, max_size=40).map("".join))
def test_sentences_come_out_with_single_spaces(text: str) -> None:
    """Paragraphs spaced only by single spaces skip the split and join of each sentence's words;
    every sentence still comes out as that split and join gives it."""
    for sentence in split_sentences(text):
        assert sentence == " ".join(sentence.split())
        assert sentence


def test_sentence_ends_of_every_mark_come_in_text_order() -> None:
    """Full stops are found by one search and "!" or "?" by another; the ends are read in order."""
    text = 'Will tariffs rise? Officials said so. "No!" Beijing replied. Mr. Li left! Talks end.'
    assert split_sentences(text) == [
        "Will tariffs rise?",
        "Officials said so.",
        '"No!"',
        "Beijing replied.",
        "Mr. Li left!",
        "Talks end.",
    ]


_YEAR_PIECES = st.sampled_from(
    ["in", "IN", "by", "through", "end of", "the", " ", "  ", "\t", "\xa0", "2026", "20", "1", "x"]
)


@given(st.lists(_YEAR_PIECES, max_size=25).map("".join))
def test_year_windows_find_what_the_whole_sentence_search_finds(sentence: str) -> None:
    year = dict(_PATTERNS)["year"]
    windowed = [
        m.span() for lo, hi in _year_windows(sentence) for m in year.finditer(sentence, lo, hi)
    ]
    assert windowed == [m.span() for m in year.finditer(sentence)]


@given(st.text(alphabet=st.sampled_from(["a", " ", "5", "0", "9", "٣", "é", "x", "/", "²"])))
def test_has_digit_agrees_with_the_digit_class(text: str) -> None:
    assert has_digit(text) == (re.search(r"\d", text) is not None)


_HINTED_PIECES = st.sampled_from(
    ["2025", "-", "07", "31", "1", " ", "day", "DAY", "days", "Week", "month", "x", "\u212a"]
)


@given(st.lists(_HINTED_PIECES, max_size=20).map("".join))
def test_a_date_pattern_matches_only_where_its_hint_does(sentence: str) -> None:
    for kind, hint in _HINTS.items():
        if dict(_PATTERNS)[kind].search(sentence):
            assert hint.search(sentence)

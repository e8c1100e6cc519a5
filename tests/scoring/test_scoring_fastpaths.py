"""The scorer's shortcuts must not change what it finds (date windows, lazy date resolution, year
windows and date hints, the digit scan before the glued-amount pattern, digits told without a
regex, sentences spaced by single spaces, the phrase memo read in one call, words that only
continue phrases, the month test on the text, rounding through a memo, padding hints, cues as
plain tuples and clarity cues that take their kind from their class)."""

from __future__ import annotations

import calendar
import json
import math
import re
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.models import Article
from bot.domain.scoring import RuleScorer, lexicon
from bot.domain.scoring.dates import (
    _HINTS,
    _PATTERNS,
    _month_windows,
    _year_windows,
    find_dates,
)
from bot.domain.scoring.engine import engine
from bot.domain.scoring.findings import ROUNDED, rounded
from bot.domain.scoring.lexicon import Match, PhraseIndex
from bot.domain.scoring.sentence import _CAPITAL_MONTHS, _CODES, _GLUED_AMOUNT, _GLUED_TAIL
from bot.domain.scoring.tally import _COUNTERPARTY
from bot.domain.scoring.text import _PAD, _PADDING, has_digit, split_sentences, tokenize

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


_CUES = [
    ("event", "impose~ tariffs on", 1),
    ("event", "the hague summit", 2),
    ("pivot", "lift~", 3),
    ("object", "sanction*", 4),
    ("hedge", "said to be", 5),
    ("hedge", "may", 6),
    ("actor", "hague", 7),
    ("object", "export control*", 8),
    ("name", "trade talks", 9),
    ("object", "rare earth magnet*", 10),
]
_WORDS = st.sampled_from(
    ["the", "hague", "said", "to", "be", "imposed", "tariffs", "on", "lifts", "sanctions", "may",
     "export", "controls", "trade", "talks", "summit", "x", "of", "in", "rare", "earth",
     "magnets"]
)  # fmt: skip


def _index() -> PhraseIndex:
    index = PhraseIndex()
    for layer, cue, payload in _CUES:
        index.add(layer, cue, payload)
    index.freeze()
    return index


@given(st.lists(_WORDS, max_size=14), st.lists(_WORDS, max_size=14))
def test_a_warm_phrase_memo_finds_what_a_cold_one_finds(first: list[str], norms: list[str]) -> None:
    """Once every word is in the memo it is read with one itemgetter call; before, word by word
    (words not yet looked up are resolved first): both find the same cues."""
    warm = _index()
    warm.find(first)
    warm.find(norms)
    assert warm.find(norms) == _index().find(norms)


@given(st.lists(_WORDS, max_size=14))
def test_words_that_only_continue_phrases_find_what_the_general_path_finds(
    norms: list[str],
) -> None:
    """A word whose entry holds only phrases it continues ("hague" after "the"), or only phrases
    told apart by their second word, is passed over unless the word before (after) it is one of
    theirs; read by the general path it finds the same."""
    shortcut = _index().find(norms)
    plain = _index()
    plain.find(norms)  # the words' entries, then each back-only or next one marked general
    plain._cache = {
        word: (*entry[:-1], lexicon._GENERAL)
        if entry is not None and entry[-1] in (lexicon._BACK_ONLY, lexicon._NEXT)
        else entry
        for word, entry in plain._cache.items()
    }
    assert plain.find(norms) == shortcut


@given(st.lists(_WORDS, max_size=14))
def test_a_found_phrase_is_its_tokens(norms: list[str]) -> None:
    """The phrase of a match (kept with a candidate whose words are all exact) is the tokens it
    spans."""
    for ms in _index().find(norms).values():
        for _, _, i, j, phrase in ms:
            assert phrase == " ".join(norms[i:j])


def test_a_word_that_only_continues_phrases_has_a_back_only_entry() -> None:
    index = _index()
    assert index.find(["it", "is", "said", "to", "be"]) == {
        "hedge": [("hedge", 5, 2, 5, "said to be")]
    }
    entry = index._cache["be"]  # "said" and "to" are function words: the phrase is found at "be"
    assert entry is not None
    assert entry[-1] == lexicon._BACK_ONLY
    hague = index._cache.get("hague") or index._entry("hague")
    assert hague is not None
    assert hague[-1] == lexicon._BACK_ONLY  # an actor as well: its single-word cue is read apart


@given(st.lists(_WORDS, max_size=14))
def test_named_matches_are_the_plain_spans(norms: list[str]) -> None:
    index = _index()
    found = index.find(norms)
    named = index.scan(norms)
    assert {layer: [tuple(m) for m in ms] for layer, ms in named.items()} == found
    assert all(isinstance(m, Match) for ms in named.values() for m in ms)


_MONTH_PIECES = st.sampled_from(
    ["May", "March", "may", "MAY", "Mayor", "in", " ", ",", ".", "(", "'s", "-", "\u2019", "x"]
)


@given(st.lists(_MONTH_PIECES, max_size=20).map("".join))
def test_a_capitalised_month_token_is_in_the_text(text: str) -> None:
    """The month rule runs only where "May" or "March" is in the text: every such token is."""
    raw, _ = tokenize(text)
    if not _CAPITAL_MONTHS.isdisjoint(raw):
        assert "May" in text or "March" in text


@given(
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e6, max_value=1e6)
    | st.sampled_from([0.0, -0.0, 0.005, -0.005, 0.004, -0.004, 2.675, 1.125, 5e-324])
)
def test_rounding_through_the_memo_is_round(x: float) -> None:
    for _ in range(2):  # (the second read comes from the memo)
        got = ROUNDED.get(x) or rounded(x)
        assert got == round(x, 2)
        assert math.copysign(1.0, got) == math.copysign(1.0, round(x, 2))


def test_zero_is_not_remembered() -> None:
    rounded(0.0)
    rounded(-0.0)
    assert 0.0 not in ROUNDED


def test_a_padding_hint_is_part_of_its_pattern() -> None:
    """A two-character padding pattern is looked for only where its other character is."""
    assert [(old, new) for old, new, _ in _PADDING] == list(_PAD)
    for old, _, hint in _PADDING:
        assert (hint in old and hint != " ") if len(old) > 1 else hint == ""


def test_clarity_classes_given_as_found_score_points() -> None:
    """The classes a sentence credits without a cue of its own (a date, a quantity, a destination,
    an enacted move, a speaker, two states) give points: their kind is clarity+, as their class
    says."""
    classes = engine().clarity_classes
    for name in ("timeline", "quantity", "destination", "material", "attribution"):
        assert classes[name].points > 0
    assert _COUNTERPARTY.points > 0


def _labelled_texts() -> list[str]:
    root = Path(__file__).resolve().parents[1] / "fixtures"
    texts: list[str] = []
    for name in ("clarity_elements.jsonl", "hedging_heldout.jsonl", "direction_heldout.jsonl"):
        for line in (root / name).read_text(encoding="utf-8").splitlines()[:60]:
            texts.append(json.loads(line)["text"])
    return texts


def test_clarity_evidence_takes_kind_and_points_from_its_class() -> None:
    """A clarity cue is kept as (class, cue); its evidence reads kind, points and note from the
    class: clarity+ exactly where the points are positive, and the class's own note."""
    scorer = RuleScorer()
    notes = {cc.note for cc in engine().clarity_classes.values()} | {_COUNTERPARTY.note}
    seen = 0
    for text in _labelled_texts():
        for ev in scorer.score(Article(text=text)).evidence:
            if ev.kind in ("clarity+", "clarity-"):
                seen += 1
                assert ev.kind == ("clarity+" if ev.contribution > 0 else "clarity-")
                assert ev.note in notes
    assert seen > 50

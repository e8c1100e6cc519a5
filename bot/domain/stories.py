"""Story clustering: deciding whether a new item reports an event the bot has already seen.

One wire story reaches five outlets, and a developing story gets ten updates a day. A reader wants
one alert per story, with later items threaded under it, so every new item is compared with the
stories of the last two days and joined to the best match above a tunable threshold.

The comparison is built for the hard case of trade news, where two different stories on the same
day share most of their vocabulary ("the United States will raise tariffs on ... from China to ...%
... the trade representative said on Tuesday"). Text overlap alone cannot tell "US doubles tariffs
on Chinese solar cells to 50%" from "US raises tariff on Chinese electric vehicles to 100%", so the
score combines:

- rapidfuzz token-set and token-sort ratios over normalised title + lead (the shape of the text);
- a token overlap weighted by rarity, where vocabulary every trade story shares ("tariff", "China",
  "percent", "ministry", weekdays) counts for little and subject words ("solar", "canola") count
  for a lot;
- the numbers (rates, quantities, amounts, dates): shared figures are strong evidence, distinct
  figures on both sides a strong sign of a different story;
- the countries involved (from names, demonyms and capitals) and other proper nouns
  (companies, programmes), plus the scorer's actors and topics when the caller has them.

Before any of that, items that differ in a key fact are different stories however alike their
wording: another target state ("… steel from Japan" / "… from Germany"), the opposite direction (a
halt and its pause) or another instrument (a tariff and a sanction). See ``different_facts``.

Pure: stdlib, pydantic and rapidfuzz only; no I/O and no clock reads.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import NamedTuple

from pydantic import BaseModel, ConfigDict
from rapidfuzz import fuzz

from bot.domain.places import PLACE_WORDS, places

DEFAULT_THRESHOLD = 0.45
"""Similarity at or above which two items are one story.

Picked from the sweep in bench/clustering.py on tests/fixtures/story_pairs.jsonl, at the precise end
of the F1 plateau (0.40–0.45): threading an item under the wrong story costs more than one duplicate
alert. Figures on that fixture are optimistic; its 2-fold check is the fairer estimate.
"""

LEAD_WORDS = 40
"""How much of the lead takes part in matching: wire leads carry the facts in the first sentences."""

LEAD_CHARS = 600
"""How much of an item's summary its story candidate keeps as the lead."""

_PREFILTER = 0.10
"""Candidates whose cheap rarity-weighted overlap is below this are not scored in full (no
same-story pair in the fixture is below 0.18, and none below 0.10 scores above 0.34)."""


class StoryCandidate(BaseModel):
    """One story the new item might belong to: its first (or latest) item's title and lead."""

    model_config = ConfigDict(frozen=True)

    story_id: str
    title: str
    lead: str
    published: datetime | None
    topics: tuple[str, ...] = ()
    actors: tuple[str, ...] = ()


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Words that carry no subject: function words, reporting verbs, weekdays and wire furniture.
_STOPWORDS = _wordset(
    """a about above after again against all also am an and any are as at be been before being
    below between both but by can could did do does during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor
    not now of off on once only or other our out over own same she should so some such than that
    the their them then there these they this those through to too under until up very was we
    were what when where which while who whom why will with would you your said says say told
    according added adding announced statement spokesperson spokesman week day today yesterday
    monday tuesday wednesday thursday friday saturday sunday wire reuters ap afp bloomberg
    update updated exclusive breaking live new news"""
)

# Vocabulary nearly every trade-policy story shares: it counts, but for little.
_COMMON = _wordset(
    """tariff duty levy tax surtax rate percent pct export import trade good product country
    government ministry minister department office official state nation commerce finance economy
    economic agency authority spokesperson percent billion million year month plan move measure
    deal talk rule control restriction sanction company firm market price cut raise impose set
    take effect step response retaliation dispute tension war pressure policy law national
    president administration us united china chinese american washington beijing european union
    eu brussels"""
)
_COMMON_WEIGHT = 0.25

_DATELINE_RE = re.compile(r"^[A-Za-z .]+\([A-Za-z ]+\)\s*[-–—]\s*")
_PERCENT_RE = re.compile(r"\bper ?cent\b|%|\bpct\b")
_NUMBER_RE = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*(?!\w)")
_WORD_RE = re.compile(r"[a-z0-9]+(?:[.'][a-z0-9]+)*")
_RAW_WORD_RE = re.compile(r"[A-Za-z][A-Za-z0-9]+|[.!?;:](?=\s)")
_NOT_PROPER = (
    _STOPWORDS
    | _COMMON
    | _wordset(
        """january february march april may june july august september october november december
    ministry department office commission council customs treasury government president prime
    minister trade representative official gazette state administration"""
    )
)


class _Features(NamedTuple):
    text: str
    rare: frozenset[str]
    common: frozenset[str]
    weight: float
    numbers: frozenset[str]
    title_numbers: frozenset[str]
    title_places: frozenset[str]
    places: frozenset[str]
    names: frozenset[str]
    rates: frozenset[str]
    instruments: frozenset[str]
    direction: str | None


def _stem(word: str) -> str:
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _prepare(title: str, lead: str) -> str:
    """Title and the first ``LEAD_WORDS`` words of the lead, without the dateline."""
    lead = _DATELINE_RE.sub("", lead.strip())
    return f"{title.strip()} . {' '.join(lead.split()[:LEAD_WORDS])}"


def _clean(text: str) -> str:
    text = text.lower().replace("u.s.", "us").replace("u.k.", "uk")
    text = text.replace("\u2019", "'").replace("'s ", " ")
    return _PERCENT_RE.sub(" percent ", text)


_STEMS: dict[str, str] = {}
"""Each word seen with its stem ("" for a stop word): most words of a feed come again."""
_MAX_STEMS = 100_000


def _words(cleaned: str) -> list[str]:
    stems = _STEMS
    out = []
    for word in _WORD_RE.findall(cleaned):
        stem = stems.get(word)
        if stem is None:
            stem = _stem(word)
            stem = "" if stem in _STOPWORDS else stem
            if len(stems) < _MAX_STEMS:
                stems[word] = stem
        if stem:
            out.append(stem)
    return out


def story_text(title: str, lead: str) -> str:
    """The normalised text used for matching: lowercase title and the first ~40 words of the lead,
    dateline, punctuation and stopwords removed, plurals folded ("tariffs" → "tariff")."""
    return " ".join(_words(_clean(_prepare(title, lead))))


def _figure(token: str) -> str:
    """A figure in one canonical form ("1,000" and "1000" alike); a token with several dots (a
    date such as "01.03.2026", a version) is kept as written."""
    plain = token.replace(",", "")
    return f"{float(plain):g}" if plain.count(".") <= 1 else token


def _numbers(cleaned: str) -> frozenset[str]:
    """Figures in the text ("25", "35.3", "7000", "01.03.2026"), not digits inside names such as
    "H20"."""
    return frozenset(_figure(n) for n in _NUMBER_RE.findall(cleaned))


_RATE_RE = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*) percent")


def _rates(cleaned: str) -> frozenset[str]:
    """Percentages ("25 percent"): tariff rates and shares, the figure a trade story turns on."""
    return frozenset(_figure(n) for n in _RATE_RE.findall(cleaned))


def _conflict(a: frozenset[str], b: frozenset[str]) -> float:
    """0 when the sets agree or one contains the other (a rewrite may name fewer countries),
    else the share of the union that is not shared."""
    if not a or not b or a <= b or b <= a:
        return 0.0
    return 1.0 - len(a & b) / len(a | b)


def _names(raw: str) -> frozenset[str]:
    """Capitalised words that are not the first of a sentence, not places and not wire furniture:
    companies, people, programmes ("Naura", "Rosneft", "H20", "WTO")."""
    out = set()
    first = True
    for piece in _RAW_WORD_RE.findall(raw):
        if piece in ".!?;:":
            first = True
            continue
        if not first and piece[0].isupper():
            word = piece.lower()
            if word not in _NOT_PROPER and word not in PLACE_WORDS:
                out.add(_stem(word))
        first = False
    return frozenset(out)


StoryFeatures = _Features
"""What matching reads of an item's title and lead (``story_features``)."""

_FEATURES_KEPT = 8192
_known: dict[tuple[str, str], _Features] = {}


def _features(title: str, lead: str) -> _Features:
    """``story_features``, kept for the last 8,192 titles and leads (each item is compared as a
    new item and then again as a candidate; a running bot reads the same stories every cycle)."""
    found = _known.get((title, lead))
    if found is None:
        found = story_features(title, lead)
        remember_features(title, lead, found)
    return found


def remember_features(title: str, lead: str, features: _Features) -> None:
    """Keep the features of this title and lead, made elsewhere (the worker process that scored
    the item); beyond 8,192 the oldest kept are dropped."""
    if len(_known) >= _FEATURES_KEPT:
        del _known[next(iter(_known))]
    _known[(title, lead)] = features


def forget_features() -> None:
    """Drop every kept feature set (benchmarks of a cold start)."""
    _known.clear()


def story_features(title: str, lead: str) -> _Features:
    """What matching reads of a title and lead: their words by rarity, figures, rates, places,
    names, instruments and direction."""
    raw = _prepare(title, lead)
    cleaned = _clean(raw)
    words = _words(cleaned)
    common = frozenset(w for w in words if w in _COMMON or w.isdigit())
    rare = frozenset(words) - common
    clean_title = _clean(title)
    title_words = _words(clean_title)
    return _Features(
        text=" ".join(words),
        rare=rare,
        common=common,
        weight=len(rare) + _COMMON_WEIGHT * len(common),
        numbers=_numbers(cleaned),
        rates=_rates(clean_title) or _rates(cleaned),
        title_numbers=_numbers(clean_title),
        title_places=places(clean_title),
        places=places(cleaned),
        names=_names(raw),
        instruments=frozenset(_INSTRUMENTS[w] for w in title_words if w in _INSTRUMENTS),
        direction=_direction(title_words),
    )


def _overlap(a: _Features, b: _Features) -> float:
    """Rarity-weighted overlap coefficient of the two token sets (0..1)."""
    shared = len(a.rare & b.rare) + _COMMON_WEIGHT * len(a.common & b.common)
    smaller = min(a.weight, b.weight)
    return shared / smaller if smaller else 0.0


def _set_agreement(a: frozenset[str], b: frozenset[str]) -> float | None:
    """How far two sets of facts agree: None when either side has none, else overlap/smaller."""
    if not a or not b:
        return None
    return len(a & b) / min(len(a), len(b))


def _facts(fa: _Features, fb: _Features) -> float:
    """What the two items' facts say for and against the same event, beside their text: shared
    figures and names raise it; distinct headline figures or rates and different countries lower
    it (the terms ``_score`` and its bound ``_score_bound`` have in common)."""
    value = 0.0
    numbers = _set_agreement(fa.numbers, fb.numbers)
    if numbers is not None:
        value += 0.3 * (numbers - 0.5)
    if fa.title_numbers and fb.title_numbers and not fa.title_numbers & fb.title_numbers:
        value -= 0.15
    if fa.rates and fb.rates and not fa.rates & fb.rates:
        value -= 0.15  # different rates: a different measure (or a revision, told as a new story)
    value -= 0.5 * _conflict(fa.title_places, fb.title_places)
    value -= 0.15 * _conflict(fa.places, fb.places)
    names = _set_agreement(fa.names, fb.names)
    if names is not None:
        value += 0.15 * (names - 0.3)
    return value


def _score(fa: _Features, fb: _Features, a: StoryCandidate, b: StoryCandidate) -> float:
    """Text shape and rarity-weighted overlap, then evidence for and against the same event:
    shared figures and names raise the score; different countries in the headlines, distinct
    headline figures, disjoint actors or topics lower it. The weights were set by hand against
    tests/fixtures/story_pairs.jsonl (see bench/clustering.py for how well they hold up)."""
    return _full_score(fa, fb, a, b, _overlap(fa, fb), _facts(fa, fb))


def _full_score(
    fa: _Features, fb: _Features, a: StoryCandidate, b: StoryCandidate, overlap: float, facts: float
) -> float:
    """``_score`` from the pair's ``_overlap`` and ``_facts``, when the caller has them already."""
    return _clamped(
        _text(fa, fb, overlap) + facts,
        _disjoint(frozenset(a.actors), frozenset(b.actors)),
        _disjoint(frozenset(a.topics), frozenset(b.topics)),
    )


def _text(fa: _Features, fb: _Features, overlap: float) -> float:
    """The text part of the score: rarity-weighted overlap and the two fuzzy ratios (each at most
    1, so the part is at most ``0.45 * overlap + 0.55``)."""
    return (
        0.45 * overlap
        + 0.35 * fuzz.token_set_ratio(fa.text, fb.text) / 100
        + 0.20 * fuzz.token_sort_ratio(fa.text, fb.text) / 100
    )


def _disjoint(a: frozenset[str], b: frozenset[str]) -> bool:
    """Both sides name some (actors, topics) and none in common: a sign of another story."""
    return bool(a and b and a.isdisjoint(b))


def _clamped(score: float, actors_disjoint: bool, topics_disjoint: bool) -> float:
    """The text and facts score less 0.15 for disjoint actors and for disjoint topics, in 0..1."""
    if actors_disjoint:
        score -= 0.15
    if topics_disjoint:
        score -= 0.15
    return min(1.0, max(0.0, score))


def _score_bound(fa: _Features, fb: _Features, overlap: float) -> float:
    """An upper bound of ``_score`` without the two fuzzy ratios (taken at their maximum) and
    without the penalties of disjoint actors and topics: a candidate whose bound cannot beat the
    threshold or the best match so far need not be scored. Keep in step with ``_score``."""
    return 0.45 * overlap + 0.55 + _facts(fa, fb)


# The measure a headline turns on, by word (after plural folding).
_INSTRUMENTS = {
    "tariff": "tariff", "duty": "tariff", "levy": "tariff", "surtax": "tariff",
    "surcharge": "tariff", "sanction": "sanction", "blacklist": "sanction", "quota": "quota",
    "probe": "probe", "investigation": "probe", "inquiry": "probe", "embargo": "ban", "ban": "ban",
    "licence": "licence", "license": "licence", "licensing": "licence",
}  # fmt: skip
# A headline eases a measure when one of these verbs has a measure as its object ("pauses export
# ban", "cuts tariff", "halts tariff increase"), else tightens when it halts, imposes or raises
# ("halts exports"). "Lift" is left out: headlines use it both ways ("lifts duties to 35%").
_EASE = _wordset(
    "pause suspend delay postpone exempt waive scrap ease relax remove withdraw drop cut lower "
    "reduce halve end rollback halt stop freeze"
)
_MEASURES = _wordset(
    "ban tariff duty levy curb control restriction sanction embargo quota surcharge surtax "
    "measure rule"
)
_TIGHTEN = _wordset(
    "halt ban impose raise hike double triple restrict curb block tighten blacklist sanction "
    "stop bar"
)
_OBJECT_SPAN = 5


def _forms(word: str) -> set[str]:
    """The word and its stems without a past or progressive ending ("paused" → "pause")."""
    found = {word}
    for ending in ("ed", "ing"):
        if word.endswith(ending) and len(word) > len(ending) + 2:
            stem = word[: -len(ending)]
            found |= {stem, stem + "e", stem[:-1]}
    return found


def _direction(words: list[str]) -> str | None:
    """``ease``, ``tighten`` or None (no telling), from a headline's words."""
    for i, word in enumerate(words):
        if _forms(word) & _EASE and _MEASURES & set(words[i + 1 : i + _OBJECT_SPAN]):
            return "ease"
    return "tighten" if any(_forms(w) & _TIGHTEN for w in words) else None


def different_facts(fa: _Features, fb: _Features, a: StoryCandidate, b: StoryCandidate) -> bool:
    """True when the two items differ in a key fact, however alike their wording: each headline
    names a target state the other item never mentions ("… steel from Japan" / "… from
    Germany"), they move in opposite directions (a halt and its pause), or their headlines turn
    on different instruments (a tariff and a sanction)."""
    if fa.title_places - fb.places and fb.title_places - fa.places:
        return True
    if fa.direction and fb.direction and fa.direction != fb.direction:
        return True
    return bool(fa.instruments and fb.instruments and not fa.instruments & fb.instruments)


def similarity(a: StoryCandidate, b: StoryCandidate) -> float:
    """How likely two items report the same story, from 0 (unrelated or differing in a key fact)
    to 1 (same text)."""
    fa, fb = _features(a.title, a.lead), _features(b.title, b.lead)
    return 0.0 if different_facts(fa, fb, a, b) else _score(fa, fb, a, b)


def match_story(
    new: StoryCandidate,
    recent: Sequence[StoryCandidate],
    *,
    threshold: float = DEFAULT_THRESHOLD,
    window: timedelta = timedelta(hours=48),
) -> str | None:
    """The story the new item belongs to: the ``story_id`` of the most similar recent candidate at
    or above ``threshold``, published within ``window`` of the new item, else None (a new story).

    When either side has no publication time the window cannot be checked and the candidate is
    kept. Candidates sharing too little rare vocabulary are skipped before the full comparison.
    """
    fn = _features(new.title, new.lead)
    best_id: str | None = None
    best = 0.0
    for cand in recent:
        if (
            new.published is not None
            and cand.published is not None
            and abs(new.published - cand.published) > window
        ):
            continue
        fc = _features(cand.title, cand.lead)
        if _overlap(fn, fc) < _PREFILTER:
            continue
        if different_facts(fn, fc, new, cand):
            continue
        score = _score(fn, fc, new, cand)
        if score >= threshold and (best_id is None or score > best):
            best, best_id = score, cand.story_id
    return best_id

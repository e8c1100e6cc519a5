"""Recent stories indexed for matching: the same answer as ``match_story`` over a list, without
comparing a new item with every candidate.

``match_story`` compares the new item with every recent candidate; a poll cycle that ingests
thousands of items (a new feed's backlog, a cold start) then spends time quadratic in its size.
The index narrows the candidates to a superset of those ``match_story`` could pick, then runs the
same checks on them in the same order, so the story chosen is always the same:

- a candidate whose headline countries differ from the new item's in a key way is never a match
  (``different_facts``): when the new headline names states, only candidates that mention all of
  them, or whose own headline states the new item mentions, are kept (postings by state, groups by
  headline states);
- otherwise, a candidate must share enough vocabulary to pass the cheap pre-filter: at least one
  rare word (postings by rare word), or enough common words, which only a short candidate can
  (candidates ordered by weight);
- a candidate whose score could not reach the threshold, or beat the best match so far, even with
  perfect fuzzy ratios (``_score_bound``, less what disjoint actors or topics take off) is not
  scored in full.
"""

from __future__ import annotations

from bisect import bisect_right, insort
from collections.abc import Iterable
from datetime import timedelta
from typing import NamedTuple

from bot.domain.stories import (
    _COMMON_WEIGHT,
    _PREFILTER,
    DEFAULT_THRESHOLD,
    StoryCandidate,
    _clamped,
    _disjoint,
    _Features,
    _features,
    _text,
)

_SLACK = 1.0 + 1e-9
_MARGIN = 1e-9
"""Bounds are widened by this factor (or margin) so that float rounding never drops a candidate."""


class _Masks(NamedTuple):
    """A candidate's sets as bit masks over the index's vocabulary (one bit per distinct string)."""

    rare: int
    common: int
    numbers: int
    title_numbers: int
    rates: int
    title_places: int
    places: int
    names: int


def _facts(a: _Masks, b: _Masks) -> float:
    """``stories._facts`` over masks: the same terms in the same order (keep in step with it)."""
    value = 0.0
    if a.numbers and b.numbers:
        shared = (a.numbers & b.numbers).bit_count()
        value += 0.3 * (shared / min(a.numbers.bit_count(), b.numbers.bit_count()) - 0.5)
    if a.title_numbers and b.title_numbers and not a.title_numbers & b.title_numbers:
        value -= 0.15
    if a.rates and b.rates and not a.rates & b.rates:
        value -= 0.15
    value -= 0.5 * _conflict(a.title_places, b.title_places)
    value -= 0.15 * _conflict(a.places, b.places)
    if a.names and b.names:
        shared = (a.names & b.names).bit_count()
        value += 0.15 * (shared / min(a.names.bit_count(), b.names.bit_count()) - 0.3)
    return value


def _conflict(a: int, b: int) -> float:
    """``stories._conflict`` over masks."""
    both = a & b
    if not a or not b or both in (a, b):
        return 0.0
    return 1.0 - both.bit_count() / (a | b).bit_count()


class _Entry(NamedTuple):
    cand: StoryCandidate
    features: _Features
    masks: _Masks
    actors: frozenset[str]
    topics: frozenset[str]


class StoryIndex:
    """Candidates in match order (as ``match_story`` reads its list), with lookup tables."""

    def __init__(
        self,
        candidates: Iterable[StoryCandidate] = (),
        *,
        threshold: float = DEFAULT_THRESHOLD,
        window: timedelta = timedelta(hours=48),
    ) -> None:
        self._threshold = threshold
        self._window = window
        # An id orders candidates as the list would: the given ones 0, 1, 2 …, each one added
        # in front -1, -2 … (newest first).
        self._cands: dict[int, _Entry] = {}
        self._bits: dict[str, int] = {}
        self._rare: dict[str, set[int]] = {}
        self._places: dict[str, set[int]] = {}
        self._by_title_places: dict[frozenset[str], set[int]] = {}
        self._by_weight: list[tuple[float, int]] = []
        self._front = 0
        for position, cand in enumerate(candidates):
            self._add(position, cand, _features(cand.title, cand.lead))

    def __len__(self) -> int:
        return len(self._cands)

    def _mask(self, members: frozenset[str]) -> int:
        bits = self._bits
        mask = 0
        for member in members:
            bit = bits.get(member)
            if bit is None:
                bit = bits[member] = 1 << len(bits)
            mask |= bit
        return mask

    def _masks(self, f: _Features) -> _Masks:
        m = self._mask
        return _Masks(
            m(f.rare),
            m(f.common),
            m(f.numbers),
            m(f.title_numbers),
            m(f.rates),
            m(f.title_places),
            m(f.places),
            m(f.names),
        )

    def _add(self, key: int, cand: StoryCandidate, feats: _Features) -> None:
        self._cands[key] = _Entry(
            cand, feats, self._masks(feats), frozenset(cand.actors), frozenset(cand.topics)
        )
        for word in feats.rare:
            self._rare.setdefault(word, set()).add(key)
        for place in feats.places:
            self._places.setdefault(place, set()).add(key)
        self._by_title_places.setdefault(feats.title_places, set()).add(key)
        insort(self._by_weight, (feats.weight, key))

    def add_front(self, cand: StoryCandidate) -> None:
        """Add ``cand`` ahead of every other candidate (as the newest story item)."""
        self._front -= 1
        self._add(self._front, cand, _features(cand.title, cand.lead))

    def _keys(self, fn: _Features) -> Iterable[int]:
        """A superset of the candidates that pass the place check and the pre-filter."""
        if fn.title_places:
            postings = sorted(
                (self._places.get(p, set()) for p in fn.title_places), key=len
            )  # candidates naming every state of the new headline …
            keys = set(postings[0]).intersection(*postings[1:])
            for title_places, group in self._by_title_places.items():
                if title_places <= fn.places:  # … or whose headline states the new item names
                    keys |= group
            return keys
        keys = set()
        for word in fn.rare:
            keys |= self._rare.get(word, set())
        # Without a rare word in common, only common words count: 0.25 * shared / smaller must
        # reach the pre-filter, so the smaller weight is at most 2.5 * (common words).
        bound = len(fn.common) * _COMMON_WEIGHT / _PREFILTER * _SLACK
        if fn.weight <= bound:
            return self._cands.keys()
        light = bisect_right(self._by_weight, (bound, 1 << 62))
        keys.update(key for _, key in self._by_weight[:light])
        return keys

    def match(self, new: StoryCandidate) -> str | None:
        """What ``match_story(new, candidates)`` answers for the candidates in match order."""
        fn = _features(new.title, new.lead)
        mn = self._masks(fn)
        weight, published = fn.weight, new.published
        best_id: str | None = None
        best = 0.0
        window, threshold = self._window, self._threshold
        actors, topics = frozenset(new.actors), frozenset(new.topics)
        for key in sorted(self._keys(fn)):
            cand, fc, mc, cand_actors, cand_topics = self._cands[key]
            if (
                published is not None
                and cand.published is not None
                and abs(published - cand.published) > window
            ):
                continue
            smaller = min(weight, fc.weight)  # ``_overlap``
            if not smaller:
                continue
            shared = (mn.rare & mc.rare).bit_count()
            overlap = (shared + _COMMON_WEIGHT * (mn.common & mc.common).bit_count()) / smaller
            if overlap < _PREFILTER:
                continue
            if (  # ``different_facts``
                (mn.title_places & ~mc.places and mc.title_places & ~mn.places)
                or (fn.direction and fc.direction and fn.direction != fc.direction)
                or (fn.instruments and fc.instruments and not fn.instruments & fc.instruments)
            ):
                continue
            facts = _facts(mn, mc)
            actors_disjoint = _disjoint(actors, cand_actors)
            topics_disjoint = _disjoint(topics, cand_topics)
            if threshold > 0:  # (a score is clamped at 0) skip what cannot win
                bound = 0.45 * overlap + 0.55 + facts + _MARGIN  # ``_score_bound``
                bound -= 0.15 * (actors_disjoint + topics_disjoint)
                if bound < threshold or (best_id is not None and bound <= best):
                    continue
            score = _clamped(_text(fn, fc, overlap) + facts, actors_disjoint, topics_disjoint)
            if score >= threshold and (best_id is None or score > best):
                best, best_id = score, cand.story_id
        return best_id

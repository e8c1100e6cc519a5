"""Phrase lexicons read from the package's TOML files and matched in one pass over tokens.

A cue is written in the data files as words separated by spaces. A trailing ``~`` marks a verb and
matches its inflections (``impose~`` matches impose, imposes, imposed, imposing), a trailing ``*``
matches any word with that prefix, and hyphens count as spaces. All cues of all lexicons are merged
into one index keyed by first word, so a sentence is scanned once whatever the number of lexicons.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from functools import cache
from importlib import resources
from itertools import compress
from operator import itemgetter
from typing import Any, Final, NamedTuple

PUNCT: Final = frozenset('.,;:!?()"“”')


def is_acronym(raw: str) -> bool:
    """True for acronyms and dotted abbreviations (US, U.S., BIS), not for ordinary words."""
    return len(raw) > 1 and (raw.isupper() or "." in raw)


_NOT_INFLECTIONS: Final = frozenset(
    ("plane", "planes", "bane", "cane", "fine", "fines", "bare", "bares")
)
"""Other words that the '+e' rule for stems (criticiz~, restor~) would wrongly produce."""
_VOWELS: Final = frozenset("aeiou")


def inflect(word: str, irregular: Mapping[str, Iterable[str]]) -> set[str]:
    """Surface forms of a verb given whole or as a stem (``criticiz``); overgenerates on purpose."""
    forms = {word}
    forms.update(irregular.get(word, ()))
    if word.endswith("e"):
        stem = word[:-1]
        forms.update({word + "s", word + "d", stem + "ing"})
    elif word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        stem = word[:-1]
        forms.update({word + "ing", stem + "ies", stem + "ied"})
    else:
        forms.update({word + "s", word + "es", word + "ed", word + "ing", word + "e", word + "ed"})
        # consonant after a single vowel doubles: scrapped, expelled, cancelled (overgenerates)
        last = word[-1]
        if (
            len(word) > 2
            and last not in _VOWELS
            and last not in "wxy"
            and word[-2] in _VOWELS
            and word[-3] not in _VOWELS
        ):
            forms.update({word + last + "ed", word + last + "ing"})
    return forms - _NOT_INFLECTIONS


Span = tuple[str, Any, int, int, str]
"""A cue found in a sentence, as the scorer reads it: (layer, payload, start, end, phrase), the
lexicon layer, its payload, the token span [start, end) and the phrase matched. A plain tuple:
some hundreds are built for every article, and a plain tuple is built and read several times
faster than a named one."""
LAYER: Final = 0
PAYLOAD: Final = 1
START: Final = 2
END: Final = 3
PHRASE: Final = 4
"""Where each part of a ``Span`` stands."""


class Match(NamedTuple):
    """A cue found in a sentence (``PhraseIndex.scan``): a ``Span`` with named parts."""

    layer: str
    payload: Any
    i: int
    j: int
    phrase: str


_Candidate = tuple[tuple[tuple[str, bool], ...], int, str | None, Any]
"""A phrase after its second word: the remaining words (text, is-prefix), its length, the phrase
as matched when no word of it is a ``*`` prefix (None otherwise), payloads."""
_Back = tuple[tuple[str, ...], tuple[tuple[str, bool], ...], int, str | None, Any]
_Hits = tuple[tuple[str, Any], ...]
_Entry = tuple[
    _Hits, dict[str, list[_Candidate]], list[_Candidate], dict[str, list[_Back]], str, int
]
"""What a word starts: single-word hits, longer phrases by exact second word, longer phrases whose
second word is a ``*`` prefix, phrases it continues after function words (by the word before it),
the word itself (the phrase of its single-word hits) and what kind of entry it is (below); hits are
(layer, payload) pairs."""
_SIMPLE, _GENERAL, _BACK_ONLY, _NEXT = 0, 1, 2, 3
"""What a word's entry holds besides its single-word cues: nothing, phrases of any kind, only
phrases that it continues after function words, or only phrases it starts that are told apart by
their second word."""
_CACHE_LIMIT: Final = 200_000
_NOT_BUSY: Final[dict[str, int]] = {}
"""Shared, never written: the layers' ends of phrases found so far in a scan that has found none."""
_UNSEEN: Final[Any] = object()
"""What the memo answers for a word not looked up yet (truthy, unlike the None of a cue-less one)."""
_FUNCTION_WORDS: Final = frozenset(
    ("the", "a", "an", "to", "of", "in", "on", "for", "with", "as", "from", "at", "by", "and",
     "or", "is", "are", "was", "were", "has", "have", "had", "it", "its", "that", "this", "be",
     "said")
)  # fmt: skip
"""Phrases that begin with these are looked up from their first other word (and the words before it
checked): the commonest tokens of any text then cost a single failed lookup."""


class PhraseIndex:
    """Cue phrases of several lexicon layers; finds the longest match per layer and position.

    Phrases are indexed by their first word (then their second), and each distinct token's entry
    (its own phrases plus those of the ``*`` prefixes it extends) is memoised: news vocabulary is
    Zipfian, so most tokens cost one failed dictionary lookup.
    """

    def __init__(self, irregular: Mapping[str, Iterable[str]] | None = None) -> None:
        self._irregular = irregular or {}
        self._entries: dict[tuple[str, ...], dict[str, Any]] = {}
        self._first: dict[str, list[tuple[tuple[str, ...], dict[str, Any]]]] = {}
        self._back: dict[str, list[tuple[tuple[str, ...], dict[str, Any]]]] = {}
        self._prefixes: dict[str, list[str]] = {}
        self._cache: dict[str, _Entry | None] = {}
        self._dirty = False

    def add(self, layer: str, cue: str, payload: Any) -> None:
        """Register ``cue`` (data-file syntax) under ``layer`` with ``payload``."""
        words = cue.lower().replace("-", " ").replace("’", "'").split()
        seqs: list[tuple[str, ...]] = [()]
        for w in words:
            if w.endswith("*") and len(w) > 2:
                forms = {w}
            elif w.endswith("~") and len(w) > 1:
                forms = inflect(w[:-1], self._irregular)
            else:
                forms = {w.rstrip("*~")}
            seqs = [(*s, f) for s in seqs for f in sorted(forms)]
        for seq in seqs:
            if seq:
                self._entries.setdefault(seq, {}).setdefault(layer, payload)
        self._dirty = True

    def freeze(self) -> None:
        """Rebuild the lookup tables from the registered phrases and clear the memo."""
        first: dict[str, list[tuple[tuple[str, ...], dict[str, Any]]]] = {}
        back: dict[str, list[tuple[tuple[str, ...], dict[str, Any]]]] = {}
        prefixes: dict[str, list[str]] = {}
        for seq, hits in self._entries.items():
            lead = _lead(seq)
            head = seq[lead]
            if head.endswith("*") and head not in first and head not in back:
                prefixes.setdefault(head[:3], []).append(head)
            (back if lead else first).setdefault(head, []).append((seq, hits))
        self._first, self._back, self._prefixes = first, back, prefixes
        self._cache = {}
        self._dirty = False

    def _entry(self, word: str) -> _Entry | None:
        keys = [word]
        if prefixes := self._prefixes.get(word[:3]):
            keys.extend([p for p in prefixes if word.startswith(p[:-1]) and p != word])
        if len(keys) == 1 and word not in self._first and word not in self._back:
            # no phrase starts with the word or with a prefix of it (most of a text's words)
            if len(self._cache) < _CACHE_LIMIT:
                self._cache[word] = None
            return None
        single: dict[str, Any] | None = None
        by_second: dict[str, list[_Candidate]] = {}
        loose: list[_Candidate] = []
        back: list[_Back] = []
        for key in keys:
            for seq, hits in self._back.get(key, ()):
                lead = _lead(seq)
                rest = seq[lead + 1 :]
                words = (*seq[:lead], word, *rest)
                back.append((seq[:lead], _rest(rest), len(seq), _phrase(words, rest), hits))
            for seq, hits in self._first.get(key, ()):
                if len(seq) == 1:
                    single = {**hits, **(single or {})}
                elif seq[1].endswith("*"):
                    loose.append((_rest(seq[1:]), len(seq), None, hits))
                else:
                    rest = seq[2:]
                    phrase = _phrase((word, seq[1], *rest), rest)
                    by_second.setdefault(seq[1], []).append((_rest(rest), len(seq), phrase, hits))
        for cands in by_second.values():
            cands.sort(key=lambda c: -c[1])
        loose.sort(key=lambda c: -c[1])
        back.sort(key=lambda c: -c[2])
        by_prev: dict[str, list[_Back]] = {}
        for c in back:  # keyed by the word before this one (order kept within each key)
            by_prev.setdefault(c[0][-1], []).append(c)
        out: _Entry | None = None
        if single or by_second or loose or back:
            items = tuple(single.items()) if single else ()
            kind = _GENERAL
            if not (by_second or loose or back):
                kind = _SIMPLE
            elif not (by_second or loose):
                kind = _BACK_ONLY
            elif not (loose or back):
                kind = _NEXT
            out = (items, _frozen(by_second), _frozen(loose), _frozen(by_prev), word, kind)
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[word] = out
        return out

    def scan(self, norms: list[str]) -> dict[str, list[Match]]:
        """Longest matches per layer, left to right, grouped by layer; a layer's never overlap."""
        return {layer: [Match._make(m) for m in ms] for layer, ms in self.find(norms).items()}

    def find(self, norms: list[str]) -> dict[str, list[Span]]:
        """What ``scan`` finds, as plain tuples (``Span``)."""
        if self._dirty:
            self.freeze()
        found: dict[str, list[Span]] = {}
        busy: dict[str, int] = _NOT_BUSY  # (a dictionary of its own once a phrase is found)
        reach = 0  # where the phrases found so far end, the furthest (no word before is busy)
        n = len(norms)
        if not n:
            return found
        # words without cues map to None and are skipped by compress() in C; once every word is
        # cached, one itemgetter call looks them all up (a failed one raises KeyError)
        entries: Sequence[_Entry | None]
        try:
            entries = itemgetter(*norms)(self._cache) if n > 1 else (self._cache[norms[0]],)
        except KeyError:
            get, entry_of = self._cache.get, self._entry
            entries = [e if (e := get(w, _UNSEEN)) is not _UNSEEN else entry_of(w) for w in norms]
        # the words around each, "" past either end (no cue word is empty)
        around = [*norms, ""]
        for k in compress(range(n), entries):
            single, by_second, loose, back, word, kind = entries[k]  # type: ignore[misc]
            # phrases too: those that can match here are read, longest first, else the single
            # words; most often the word after (or before) is none of a phrase's
            if kind and (
                kind is _GENERAL
                or (around[k + 1] in by_second if kind is _NEXT else around[k - 1] in back)
            ):
                nxt = around[k + 1]
                hits_at: list[tuple[int, int, tuple[tuple[str, Any], ...], str | None]] | None
                hits_at = None
                if back and (prior := back.get(around[k - 1])):
                    for lead, rest, length, phrase, hits in prior:
                        start = k - len(lead)
                        if (
                            # (the word before is the last of ``lead``: it is the key)
                            (start == k - 1 or (start >= 0 and tuple(norms[start:k]) == lead))
                            and (not rest or _fits(norms, k + 1, rest, n))
                        ):
                            hits_at = hits_at or []
                            hits_at.append((start, length, hits, phrase))
                if by_second and (cands := by_second.get(nxt)):
                    for rest, length, phrase, hits in cands:
                        if rest:  # the third word is compared here first: it mostly differs
                            if k + 2 >= n:
                                continue
                            third, prefix = rest[0]
                            tok = norms[k + 2]
                            if not (tok.startswith(third) if prefix else tok == third):
                                continue
                            if len(rest) > 1 and not _fits(norms, k + 2, rest, n):
                                continue  # (a third word alone is matched already)
                        hits_at = hits_at or []
                        hits_at.append((k, length, hits, phrase))
                if loose and nxt:
                    for rest, length, phrase, hits in loose:
                        if nxt.startswith(rest[0][0]) and (
                            len(rest) == 1 or _fits(norms, k + 1, rest, n)
                        ):
                            hits_at = hits_at or []
                            hits_at.append((k, length, hits, phrase))
                if hits_at is not None:
                    if len(hits_at) > 2:
                        hits_at.sort(key=lambda h: -h[1])
                    elif len(hits_at) == 2 and hits_at[0][1] < hits_at[1][1]:
                        hits_at.reverse()  # (what the sort does with two)
                    if single:
                        hits_at.append((k, 1, single, word))
                    seen: set[str] = set()
                    for start, length, hits, phrase in hits_at:
                        for layer, payload in hits:
                            if layer in seen:
                                continue
                            seen.add(layer)
                            if start < reach and busy.get(layer, -1) > start:
                                continue
                            if length > 1:
                                if busy is _NOT_BUSY:
                                    busy = {}
                                busy[layer] = end = start + length
                                if end > reach:
                                    reach = end
                            m: Span = (
                                layer,
                                payload,
                                start,
                                start + length,
                                phrase or " ".join(norms[start : start + length]),
                            )
                            if layer in found:
                                found[layer].append(m)
                            else:
                                found[layer] = [m]
                    continue
            # the common case: the word's single-word cues
            for layer, payload in single:
                if k < reach and busy.get(layer, -1) > k:
                    continue
                m = (layer, payload, k, k + 1, word)
                if layer in found:
                    found[layer].append(m)
                else:
                    found[layer] = [m]
        return found


def _frozen(table: Any) -> Any:
    """Hit dicts of candidate tables as (layer, payload) tuples, in the same order."""
    if isinstance(table, dict):
        return {key: _frozen(value) for key, value in table.items()}
    return [(*c[:-1], tuple(c[-1].items())) for c in table]


def _lead(seq: tuple[str, ...]) -> int:
    lead = 0
    while lead < len(seq) - 1 and seq[lead] in _FUNCTION_WORDS:
        lead += 1
    return lead


def _phrase(words: tuple[str, ...], rest: tuple[str, ...]) -> str | None:
    """A phrase as the scan matches it, when its words after the first two (``rest``) have no
    ``*`` prefix: its other words are then the tokens matched (None otherwise)."""
    return None if any(w.endswith("*") for w in rest) else " ".join(words)


def _rest(words: tuple[str, ...]) -> tuple[tuple[str, bool], ...]:
    return tuple([(w.rstrip("*"), w.endswith("*")) for w in words])


def _fits(norms: list[str], t: int, rest: tuple[tuple[str, bool], ...], n: int) -> bool:
    if t + len(rest) > n:
        return False
    for w, p in rest:
        tok = norms[t]
        if not (tok.startswith(w) if p else tok == w):
            return False
        t += 1
    return True


def _read(name: str) -> dict[str, Any]:
    data = resources.files("bot.domain.scoring").joinpath("lexicons", name).read_text("utf-8")
    return tomllib.loads(data)


@cache
def load(name: str) -> dict[str, Any]:
    """The parsed TOML lexicon ``name`` (e.g. ``events.toml``); each carries a ``version`` key."""
    data = _read(name)
    if "version" not in data:
        raise ValueError(f"lexicon {name} has no version")
    return data


LEXICON_FILES: Final = (
    "events.toml",
    "modality.toml",
    "clarity.toml",
    "actors.toml",
    "topics.toml",
    "scope.toml",
    "settings.toml",
)


def versions() -> dict[str, str]:
    """The version of every lexicon file, for audit trails."""
    return {name: str(load(name)["version"]) for name in LEXICON_FILES}

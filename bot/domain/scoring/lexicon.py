"""Phrase lexicons read from the package's TOML files and matched in one pass over tokens.

A cue is written in the data files as words separated by spaces. A trailing ``~`` marks a verb and
matches its inflections (``impose~`` matches impose, imposes, imposed, imposing), a trailing ``*``
matches any word with that prefix, and hyphens count as spaces. All cues of all lexicons are merged
into one token trie, so a sentence is scanned once whatever the number of lexicons.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any, NamedTuple

_TOKEN_RE = re.compile(r"\d+(?:[.,:]\d+)*|[^\W_]+(?:['’.][^\W_]+)*|[^\w\s-]")
PUNCT = frozenset('.,;:!?()"“”')
_SEP = "\x01"


def tokenize(sentence: str) -> tuple[list[str], list[str]]:
    """Tokens of a sentence, as written and normalised (lower case, no possessive, no dots)."""
    raw: list[str] = _TOKEN_RE.findall(sentence.replace(_SEP, " "))
    joined = _SEP.join(raw).lower() + _SEP
    if "’" in joined:
        joined = joined.replace("’", "'")
    if "'s" + _SEP in joined:
        joined = joined.replace("'s" + _SEP, _SEP)
    norms = joined[:-1].split(_SEP)
    if "." in joined:
        norms = [t.replace(".", "") if "." in t and len(t) > 1 else t for t in norms]
    return raw, norms


def is_acronym(raw: str) -> bool:
    """True for acronyms and dotted abbreviations (US, U.S., BIS), not for ordinary words."""
    return len(raw) > 1 and (raw.isupper() or "." in raw)


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
    return forms


class Match(NamedTuple):
    """A cue found in a sentence: the lexicon layer, its payload and the token span [i, j)."""

    layer: str
    payload: Any
    i: int
    j: int
    phrase: str


_Candidate = tuple[tuple[tuple[str, bool], ...], int, dict[str, Any]]
"""A phrase after its first two words: the remaining words (text, is-prefix), length, payloads."""
_CACHE_LIMIT = 200_000
_NONE: tuple[str, ...] = ()


class PhraseIndex:
    """Cue phrases of several lexicon layers; finds the longest match per layer and position.

    Single-word cues sit in one dict, longer cues in a dict keyed by their first two words, and
    each distinct token's lexicon keys (itself, or the prefixes it extends) are memoised: news
    vocabulary is Zipfian, so a sentence costs about one dict lookup per token.
    """

    def __init__(self, irregular: Mapping[str, Iterable[str]] | None = None) -> None:
        self._irregular = irregular or {}
        self._entries: dict[tuple[str, ...], dict[str, Any]] = {}
        self._single: dict[str, dict[str, Any]] = {}
        self._pair: dict[tuple[str, str], list[_Candidate]] = {}
        self._known: frozenset[str] = frozenset()
        self._prefixes: dict[str, list[str]] = {}
        self._cache: dict[str, tuple[str, ...]] = {}
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
        single: dict[str, dict[str, Any]] = {}
        pair: dict[tuple[str, str], list[_Candidate]] = {}
        known: set[str] = set()
        prefixes: dict[str, list[str]] = {}
        for seq, hits in self._entries.items():
            for w in seq[:2]:
                if w.endswith("*"):
                    prefixes.setdefault(w[:3], []).append(w)
                else:
                    known.add(w)
            if len(seq) == 1:
                single[seq[0]] = hits
            else:
                rest = tuple((w.rstrip("*"), w.endswith("*")) for w in seq[2:])
                pair.setdefault((seq[0], seq[1]), []).append((rest, len(seq), hits))
        for cands in pair.values():
            cands.sort(key=lambda c: -c[1])
        self._single, self._pair = single, pair
        self._known, self._prefixes = frozenset(known), prefixes
        self._cache = {}
        self._dirty = False

    def _keys(self, word: str) -> tuple[str, ...]:
        keys = [word] if word in self._known else []
        keys.extend(p for p in self._prefixes.get(word[:3], ()) if word.startswith(p[:-1]))
        out = tuple(keys) if keys else _NONE
        if len(self._cache) < _CACHE_LIMIT:
            self._cache[word] = out
        return out

    def scan(self, norms: list[str]) -> list[Match]:
        """All longest matches per layer, left to right; a layer's matches never overlap."""
        if self._dirty:
            self.freeze()
        cache, single, pair = self._cache, self._single, self._pair
        keys = [cache.get(w) for w in norms]
        for k, kk in enumerate(keys):
            if kk is None:
                keys[k] = self._keys(norms[k])
        found: list[Match] = []
        busy: dict[str, int] = {}
        n = len(norms)
        for k in range(n):
            first = keys[k]
            if not first:
                continue
            best: dict[str, tuple[int, Any]] | None = None
            nxt = keys[k + 1] if k + 1 < n else None
            if nxt:
                for k1 in first:
                    for k2 in nxt:
                        cands = pair.get((k1, k2))
                        if not cands:
                            continue
                        for rest, length, hits in cands:
                            if k + length > n or (
                                rest
                                and not all(
                                    norms[t].startswith(w) if p else norms[t] == w
                                    for t, (w, p) in enumerate(rest, k + 2)
                                )
                            ):
                                continue
                            if best is None:
                                best = {}
                            for layer, payload in hits.items():
                                if layer not in best or best[layer][0] < length:
                                    best[layer] = (length, payload)
            for k1 in first:
                sh = single.get(k1)
                if sh is None:
                    continue
                if best is None:
                    best = {}
                for layer, payload in sh.items():
                    if layer not in best:
                        best[layer] = (1, payload)
            if best is None:
                continue
            for layer, (length, payload) in best.items():
                if busy.get(layer, -1) > k:
                    continue
                busy[layer] = k + length
                phrase = norms[k] if length == 1 else " ".join(norms[k : k + length])
                found.append(Match(layer, payload, k, k + length, phrase))
        return found


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


LEXICON_FILES = ("events.toml", "modality.toml", "clarity.toml", "actors.toml", "topics.toml")


def versions() -> dict[str, str]:
    """The version of every lexicon file, for audit trails."""
    return {name: str(load(name)["version"]) for name in LEXICON_FILES}

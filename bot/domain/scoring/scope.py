"""Token-span rules of the sentence analysis: clause scopes of negation and modality, the object a
pivot verb acts on, background clauses and the first number that counts as a quantity."""

from __future__ import annotations

import re
from itertools import compress
from operator import itemgetter
from typing import Final

from .dates import DATE_WORDS as _DATE_WORDS
from .dates import YEAR_LIKE as _YEAR_LIKE
from .engine import Engine, ScopeSettings
from .lexicon import END, START, Span, load

_SETTINGS: Final = load("settings.toml")
FORWARD_OBJECT_WINDOW: Final = int(_SETTINGS["windows"]["forward_object"])
BACKWARD_OBJECT_WINDOW: Final = int(_SETTINGS["windows"]["backward_object"])
PASSIVE_OBJECT_WINDOW: Final = int(_SETTINGS["windows"]["passive_object"])
"""A passive pivot ("sanctions on the country's banks were lifted") looks further back: its
subject, however long, is what it acts on."""
_WORDS: Final = _SETTINGS["words"]
"""The small word lists of the span rules (see ``lexicons/settings.toml``, ``[words]``)."""
_PASSIVE_AUX: Final = frozenset(_WORDS["passive_aux"])
_SUBJECT_RELATIVES: Final = frozenset(_WORDS["subject_relatives"])
_NOT_QUANTITY: Final = frozenset(_WORDS["not_quantity"])
_NOT_UNIT: Final = frozenset(_WORDS["not_unit"])
_AMOUNT_SUFFIXES: Final = frozenset(_WORDS["amount_suffixes"])
_LEAD_CHAR: Final = itemgetter(slice(0, 1))
_MOVE_LINKS: Final = frozenset(_WORDS["move_links"])
_CURRENCY: Final = frozenset(_WORDS["currency_signs"])
NUMBER_WORDS: Final = frozenset(_WORDS["number_words"])
_NOT_COUNTED: Final = frozenset(_WORDS["not_counted"])
_MOVE_AMOUNTS: Final = frozenset(_WORDS["move_amounts"])
_CITED_PEOPLE: Final = frozenset(load("clarity.toml")["speaker"]["groups"])
"""The people a report cites, also two words after a count ("two Indian officials said")."""
_ECONOMY: Final = frozenset(_WORDS["economy"])
_CODE_LETTERS: Final = frozenset("bcdefghijklmnopqrstuvwxyz")
"""A single letter before a number makes it a code ("H-2A", "F-35"); "a" is the article."""
CLAUSE_BREAKS: Final = frozenset(load("modality.toml")["clause"]["breaks"])
"""Tokens that close a negation or modality scope (``[clause]`` of ``modality.toml``)."""


def has_break(norms: list[str], lo: int, hi: int) -> bool:
    """Whether a clause break lies in [lo, hi). (The few tokens of a scope are tested where one is
    read: listing every sentence's breaks cost more than all the tests.)"""
    return not CLAUSE_BREAKS.isdisjoint(norms[lo:hi])


def in_scope(
    triggers: list[Span], i: int, window: int, norms: list[str], allow_inside: bool = False
) -> Span | None:
    """The trigger (negation, modality) whose scope covers token ``i``, if any."""
    for t in triggers:
        tj = t[END]
        if tj <= i and i - tj <= window and CLAUSE_BREAKS.isdisjoint(norms[tj:i]):
            return t  # (has_break() inlined)
        if allow_inside and t[START] <= i < tj:
            return t
    return None


def is_passive(p: Span, norms: list[str]) -> bool:
    """Whether pivot ``p`` follows a form of *be* (one adverb may come between: "were partly")."""
    i = p[START]
    return (i > 0 and norms[i - 1] in _PASSIVE_AUX) or (i > 1 and norms[i - 2] in _PASSIVE_AUX)


def object_of(p: Span, objects: list[Span], norms: list[str], passive: bool = False) -> Span | None:
    """The object a pivot verb acts on: the nearest one after it in its clause, else before it; a
    passive verb's object is its subject, before it and further back ("talks were suspended over
    sanctions" suspends the talks)."""
    pi, pj = p[START], p[END]
    if passive and (o := _object_before(pi, objects, norms, PASSIVE_OBJECT_WINDOW)):
        return o
    for o in objects:
        oi = o[START]
        if pj <= oi <= pj + FORWARD_OBJECT_WINDOW and not has_break(norms, pj, oi):
            if oi > pj + 1 and norms[oi - 1] == "in":
                continue  # "shut their shops in protest": an adjunct ("an increase in tariffs" acts)
            return o
    if passive or (pi and norms[pi - 1] in _SUBJECT_RELATIVES):
        return None  # "a strike that shut down the capital": the noun before is the subject
    return _object_before(pi, objects, norms, BACKWARD_OBJECT_WINDOW)


def _object_before(pi: int, objects: list[Span], norms: list[str], back: int) -> Span | None:
    """The nearest object ending within ``back`` tokens before ``pi``, in its clause."""
    for k in range(len(objects) - 1, -1, -1):
        o = objects[k]
        oj = o[END]
        if pi - back <= oj <= pi and not has_break(norms, oj, pi):
            return o
    return None


def is_participle_clause(raw: list[str], k: int) -> bool:
    """Whether token ``k`` (a conjunction) is followed by a participle: "while warning …"."""
    return k + 1 < len(raw) and raw[k + 1].endswith("ing") and len(raw[k + 1]) > 5


def background_factor(bg: list[Span], i: int, raw: list[str], eng: Engine) -> float:
    for _, _, bi, bj, phrase in bg:
        if bj > i:
            continue
        if phrase == "while" and ((bi and raw[bi - 1] == ",") or is_participle_clause(raw, bi)):
            continue  # "…, while Beijing warned …", "… while warning …": a second main clause
        if bi <= 1 and "," in raw[bj:i]:
            continue  # sentence-initial "After ..., X did Y": scope ends at the first comma
        return eng.background_factor
    return 1.0


def _market_move(norms: list[str], k: int, moves: frozenset[str]) -> bool:
    """Whether the number at ``k`` says how far a price moved ("rose 2%", "fell by $3"); a count
    of things after the same verb ("added 23 items") is no price move."""
    nxt = norms[k + 1] if k + 1 < len(norms) else ""
    k -= 1
    if k >= 0 and norms[k] in _CURRENCY:
        k -= 1
    elif nxt.isalpha() and nxt not in _MOVE_AMOUNTS:
        return False
    while k >= 0 and norms[k] in _MOVE_LINKS:  # "rose as much as 4%"
        k -= 1
    return k >= 0 and norms[k] in moves


def quantity_at(
    norms: list[str], units: set[int], currency: list[Span], moves: frozenset[str] = frozenset()
) -> int:
    """Index of the first number that counts as a quantity (with a unit, currency or noun); a
    market move after a verb of movement (``moves``), the number of a text or the day of a date
    after an abbreviation ("No. 12", "Aug. 12") and an estimate of the economy ("0.3 points off
    growth") are not one."""
    for m in currency:
        j = m[END]
        if j < len(norms) and norms[j][:1].isdigit() and not _market_move(norms, j, moves):
            return j
    # only tokens starting with a digit are looked at (found by C-level maps)
    for k in compress(range(len(norms)), map(str.isdigit, map(_LEAD_CHAR, norms))):
        n = norms[k]
        if n in _YEAR_LIKE or k + 1 >= len(norms):
            continue
        if (
            not n.isdigit()
            and (tail := n.lstrip("0123456789,")).isalpha()
            and tail not in _AMOUNT_SUFFIXES
        ):
            continue  # a name written with a number and letters ("h-2a", "5g", "18th")
        before = norms[k - 1] if k else ""
        if before == "." and k > 1:
            before = norms[k - 2]  # "No. 12", "Aug. 12": the abbreviation before its dot
        if before in _DATE_WORDS or before in _NOT_QUANTITY:
            continue
        if before in _CODE_LETTERS:
            continue  # a code or a type written with a letter ("H-2A visas", "F-35 jets")
        nxt = norms[k + 1]
        unit = k + 1 in units or (nxt.isalpha() and nxt not in _DATE_WORDS and nxt not in _NOT_UNIT)
        if (
            unit
            and not _market_move(norms, k, moves)
            and _ECONOMY.isdisjoint(norms[max(0, k - 3) : k + 4])
        ):  # (an estimate of growth or inflation is no quantity of the move)
            return k
    return -1


def glued_amount_at(norms: list[str], codes: re.Pattern[str]) -> int:
    """Index of the first amount written together with its currency ("rm1m", "a$1bn")."""
    for k, n in enumerate(norms):
        if codes.match(n):
            return k
    return -1


def counted_at(norms: list[str]) -> int:
    """Index of the first number written in words that counts things ("three crews", "twelve
    Chinese firms"), not periods ("two years") or the people a report cites ("two officials", "two
    Indian officials")."""
    for k, n in enumerate(norms):
        if n in NUMBER_WORDS and k + 1 < len(norms):
            nxt = norms[k + 1]
            if (
                nxt.isalpha()
                and nxt not in _DATE_WORDS
                and nxt not in _NOT_COUNTED
                and nxt not in _NOT_UNIT
                and (k + 2 >= len(norms) or norms[k + 2] not in _CITED_PEOPLE)
            ):
                return k
    return -1


def is_venue(m: Span, norms: list[str], eng: Engine) -> bool:
    """Whether actor match ``m`` is a capital named only as a venue ("talks in London", "the
    Madrid summit"), not as a government acting ("London imposed")."""
    i, j = m[START], m[END]
    if not (
        (i and norms[i - 1] in eng.venue_before) or (j < len(norms) and norms[j] in eng.venue_after)
    ):
        return False
    return (norms[i] if j - i == 1 else " ".join(norms[i:j])) in eng.venue_cities


_COORDINATORS: Final = frozenset(_WORDS["coordinators"])
_COORDINATION_TOKENS: Final = _COORDINATORS | {w.capitalize() for w in _COORDINATORS} | {";"}
"""A sentence without any of these has no coordinate clause (a cheap test in C)."""
_CLAUSE_MARKS: Final = frozenset((";", ",", "while", "but"))
"""The tokens after which ("," ";") or at which a coordinate clause begins."""


def coordinate_starts(raw: list[str]) -> list[int]:
    """Where a coordinate clause begins: "but" ("resumed talks but threatened duties"), another
    contrastive conjunction after a comma ("…, while Beijing …"), "while" with a participle ("…
    while warning …"), or any clause after a semicolon."""
    if _COORDINATION_TOKENS.isdisjoint(raw):
        return []
    out: list[int] = []
    n = len(raw)
    # only the tokens that can open or mark one are read (found in C); a clause that two of them
    # open (", but") is listed once
    for p in compress(range(n), map(_CLAUSE_MARKS.__contains__, raw)):
        t = raw[p]
        if t == ";" or t == ",":
            k = p + 1
            if (
                k < n
                and (t == ";" or raw[k].lower() in _COORDINATORS)
                and (not out or out[-1] != k)
            ):
                out.append(k)
        elif p and (t == "but" or is_participle_clause(raw, p)) and (not out or out[-1] != p):
            out.append(p)  # "but", or "while" with a participle
    return out


_NAMED_LAYERS: Final = ("event", "pivot", "object")


def drop_inside_names(layers: dict[str, list[Span]]) -> None:
    """Event, pivot and object cues inside a name ("Amnesty International", "the fight against
    poverty") report no event and are dropped."""
    spans = [(n[START], n[END]) for n in layers.pop("name")]
    for layer in _NAMED_LAYERS:
        if layer in layers:
            kept = [m for m in layers[layer] if not any(i <= m[START] < j for i, j in spans)]
            if kept:
                layers[layer] = kept
            else:
                del layers[layer]


def drop_inside_bodies(layers: dict[str, list[Span]], raw: list[str]) -> None:
    """Event, pivot and object cues among the capitalised words before a body's last name word
    ("the Ceasefire Violations Committee", "the Liberian Peace Council") name the body and are
    dropped, except in a sentence written in title case, where every word is capitalised."""
    spans: list[tuple[int, int]] = []
    for b in layers.pop("body"):
        j = k = b[START]
        if raw[k][:1].isupper():
            while j and raw[j - 1][:1].isupper():
                j -= 1
            if j < k:
                spans.append((j, k))
    named = [
        m
        for layer in _NAMED_LAYERS
        for m in layers.get(layer, ())
        if any(i <= m[START] < j for i, j in spans)
    ]
    if not named:
        return
    words = [t for t in raw if t[:1].isalpha()]
    if len([t for t in words if t[:1].isupper()]) >= 0.8 * len(words):
        return  # a headline: its capitals name nothing
    for layer in _NAMED_LAYERS:
        if layer in layers:
            kept = [m for m in layers[layer] if m not in named]
            if kept:
                layers[layer] = kept
            else:
                del layers[layer]


def _clean(token: str) -> str:
    return token.lower().removeprefix("&lt;").removeprefix("<").rstrip(">.,")


def is_organisation(m: Span, raw: list[str], norms: list[str], settings: ScopeSettings) -> bool:
    """Whether actor match ``m`` is part of a company name ("<Ariadne Australia Ltd>", "American
    Motors Corp", "Bank of America") or a nationality describing a firm ("a Swedish mining group")."""
    i, j = m[START], m[END]
    if raw[i].startswith(("&lt;", "<")) or (i and raw[i - 1].startswith(("&lt;", "<"))):
        return True
    suffixes, firms = settings.suffixes, settings.firms
    if i > 1 and raw[i - 1] == "of" and raw[i - 2][:1].isupper() and _clean(raw[i - 2]) in suffixes:
        return True  # "Bank of America", "Co of Australia"
    k = j + 1 if j < len(raw) and raw[j] == "." else j  # "U.S. Telecommunications Inc"
    stop = min(len(raw), k + settings.firm_window + 1)
    if settings.org_words.isdisjoint(norms[k:stop]):
        return False  # no company word close after it
    capitalised = True
    while k < stop:
        tok = raw[k]
        word = _clean(tok)
        if tok[:1].isupper() or tok in ("&", "and") or (tok == "of" and capitalised):
            if capitalised and word in suffixes:
                return True
        else:
            capitalised = False
            if word in firms:
                # "dlrs 1.2 billion": the amount's currency, written before it, is no firm noun
                return not (k + 1 < len(raw) and raw[k + 1][:1].isdigit())
            if not tok.isalpha() or word.endswith("ed") or word in settings.not_modifiers:
                return False  # a verb or a function word: the nationality heads its own phrase
        k += 1
    return False

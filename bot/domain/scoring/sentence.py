"""Findings of one sentence: moves with direction (``moves.py``), hedges, clarity cues, actors,
topics, scope cues and snap-backs.

The sentence is scanned once for every lexicon layer; then, in order: months told from modals,
cues inside names dropped, venues and company names taken out of the actors, a headline's dropped
auxiliary restored, the moves weighed, the hedge summed, clarity cues counted, entities listed,
dates found and a snap-back read.
"""

from __future__ import annotations

import re
from datetime import date
from itertools import compress, islice
from operator import itemgetter
from typing import Final

from .certainty import compared, held_until, infinitive, left_open
from .dates import DATE_WORDS as _DATE_WORDS
from .dates import KIND_WORDS, LATE_YEAR, DateMention, date_kinds, find_dates
from .dates import YEAR_LIKE as _YEAR_LIKE
from .engine import ClarityCue, Engine
from .findings import CONTRIBUTION, CUE, MATERIAL, NOTE, WHEN_CLASSES, SentenceResult
from .lexicon import END, PAYLOAD, PHRASE, PUNCT, START, Span, load
from .moves import PASSIVE_AUX, event_moves, pivot_moves, weigh_moves
from .reversion import Reversion
from .reversion import temporary_span as _temporary_span
from .roles import named_actors
from .scope import CLAUSE_BREAKS as _CLAUSE_BREAKS
from .scope import NUMBER_WORDS as _NUMBER_WORDS
from .scope import background_factor as _background_factor
from .scope import counted_at as _counted_at
from .scope import drop_inside_bodies as _drop_inside_bodies
from .scope import drop_inside_names as _drop_inside_names
from .scope import glued_amount_at as _glued_amount_at
from .scope import has_break as _has_break
from .scope import in_scope as _in_scope
from .scope import is_organisation as _is_organisation
from .scope import is_venue as _is_venue
from .scope import quantity_at as _quantity_at
from .text import DIGIT_MARKS, Tokens, has_digit, render

_SETTINGS: Final = load("settings.toml")
_S: Final = _SETTINGS["sentence"]
MAX_CONDITION_TOKENS: Final = int(_S["max_condition_tokens"])
"""Words of a condition quoted in ``missing`` (see ``lexicons/settings.toml``)."""
_WITHHELD_TOPICS: Final[dict[str, tuple[str, ...]]] = {
    what: tuple(words) for what, words in _SETTINGS["withheld"].items()
}
_WITHHELD_BEFORE: Final = 5
"""Words before a withheld-detail cue read for what it holds back ("the buyers were not named")."""
_CLAUSE_ENDS: Final = frozenset(PUNCT) | {"but", "while", "whereas", "although", "though"}
"""Where the detail a cue holds back ends after it ("did not say which buyers, but …")."""
_CODES: Final = [c for c in load("clarity.toml")["quantity"]["currency"] if c[:1].isalpha()]
_GLUED_AMOUNT: Final = re.compile(
    r"\b(?:" + "|".join(map(re.escape, _CODES)) + r")\d", re.IGNORECASE
)
"""An amount written together with its currency code ("RM1m", "A$1bn")."""
_ENDS: Final = "".join(sorted({re.escape(c[-1]) for c in _CODES if c[-1].isalnum()}))
_SIGNED: Final = {
    sign: "".join(sorted({re.escape(c[-2]) for c in _CODES if c[-1] == sign}))
    for sign in sorted({c[-1] for c in _CODES if not c[-1].isalnum()})
}
_GLUED_TAIL: Final = re.compile(
    rf"\d(?:(?<=[{_ENDS}]\d)"
    + "".join(rf"|(?<=[{before}]{re.escape(sign)}\d)" for sign, before in _SIGNED.items())
    + ")",
    re.IGNORECASE,
)
"""A digit right after the end of a currency code: what every glued amount has, found by a scan
for digits (the amount's own pattern is tried at every character)."""
_CAPITAL_MONTHS: Final = frozenset({"May", "March"})
_VERB_LAYERS: Final = frozenset({"event", "hedge", "irrealis", "pivot", "clarity"})
_CURRENCY_SIGNS: Final = frozenset(_SETTINGS["words"]["currency_signs"])
_DATED: Final = _DATE_WORDS | _YEAR_LIKE
"""A sentence without any of these has no date expression (one pass over its tokens)."""
_DATE_PRIORITY: Final = {
    "iso": 0,
    "mdy": 0,
    "dmy": 0,
    "month": 1,
    "relative": 2,
    "span": 2,
    "year": 3,
}
_NO_MATCHES: Final[list[Span]] = []
"""Shared, never mutated: what an absent layer reads as."""
_NO_DATES: Final[list[DateMention]] = []
_NO_TAGS: Final[frozenset[str]] = frozenset()
_PUNCT_SET: Final = frozenset(PUNCT)


def _resolves(layers: dict[str, list[Span]], published: date | None) -> bool:
    """Whether dates must be resolved: only a snap-back reads them (and near ``date.max`` the
    resolution may raise, which must still happen)."""
    return "reversion" in layers or (published is not None and published.year >= LATE_YEAR)


_MONTH_BEFORE: Final = frozenset(_SETTINGS["words"]["month_before"])


def _months(raw: list[str]) -> set[int]:
    """Where a capitalised "May" or "March" is a month: not first, and with a day or year after it
    or a preposition before it ("in May", "March 28"); in a title-case headline "China May Ban
    Exports" the modal is capitalised like every other word."""
    out: set[int] = set()
    for k, t in enumerate(raw):
        if k and t in _CAPITAL_MONTHS:
            nxt = raw[k + 1] if k + 1 < len(raw) else ""
            if (
                nxt[:1].isdigit()
                or raw[k - 1].lower() in _MONTH_BEFORE
                or not nxt[:1].isalpha()
                or not _title_case(raw)
            ):
                out.add(k)
    return out


def _headline_future(layers: dict[str, list[Span]], acts: list[Span], norms: list[str]) -> None:
    """A headline drops the auxiliary of its future: "China to ban gallium exports" is "China is
    to ban …", a plan not (yet) enacted; "to" right after the acting state and before a move reads
    as irrealis and as a hedge."""
    n = len(norms)
    after = [m[END] for m in acts if m[END] + 1 < n and norms[m[END]] == "to"]
    if not after:
        return
    starts = {m[START] for layer in ("event", "pivot") for m in layers.get(layer, ())}
    for k in after:
        if k + 1 in starts:
            layers.setdefault("irrealis", []).append(("irrealis", True, k, k + 1, "to"))
            hedge: Span = ("hedge", 1.0, k, k + 1, "to (future)")
            layers.setdefault("hedge", []).append(hedge)
            return


_LEAD_CHAR: Final = itemgetter(slice(0, 1))


def _title_case(raw: list[str]) -> bool:
    """Whether most words are capitalised, as in a headline written in title case."""
    # (the words' first characters, those that are letters counted, and the capitals among them)
    firsts = list(map(_LEAD_CHAR, raw))
    words = list(compress(firsts, map(str.isalpha, firsts)))
    return len(words) >= 3 and sum(map(str.isupper, words)) >= 0.8 * len(words)


_NOT_NAMES: Final = frozenset(load("clarity.toml")["destination"]["not_names"])
_GRANTED: Final = frozenset(load("clarity.toml")["destination"]["granted"])
_TARGETS: Final = frozenset(load("clarity.toml")["destination"]["targets"])
_FLOWS: Final = frozenset(load("clarity.toml")["destination"]["flows"])
_HELD_BY: Final = frozenset(load("clarity.toml")["destination"]["held_by"])
_OF_THE: Final = frozenset(load("clarity.toml")["destination"]["of_the"])
_HOLDINGS: Final = frozenset(load("clarity.toml")["destination"]["holdings"])
_PARALLEL: Final = frozenset(load("clarity.toml")["destination"]["parallel"])
_MEASURED: Final = frozenset(
    ("instrument", "enforcement", "effective", "reversible", "conditional", "symbolic", "withheld",
     "renewed_for", "may_revert", "while_holds", "issued", "hedge")
)  # fmt: skip
_SIZED: Final = _TARGETS | frozenset(load("clarity.toml")["quantity"]["measures"])
"""Words of what a measure reaches, caps or counts: a number in their sentence may size it."""
_EVENTS: Final = frozenset(load("clarity.toml")["destination"]["events"])
"""Words after a capitalised name that make it an event's or an era's ("a NATO meeting")."""
_FIRMS: Final = frozenset(load("scope.toml")["organisations"]["firms"])
"""Nouns of a firm or group, whose officer a title names in the possessive ("the company's
chairman"): no authority."""
_VENUE_HEADS: Final = frozenset(load("clarity.toml")["destination"]["venue_heads"])
"""Words before a destination's preposition that make the name after it a venue or something
known ("speaking from Geneva", "familiar with Lima's concerns"), no counterparty."""
_TIMELINE: Final = load("clarity.toml")["timeline"]
_IN_FORCE: Final = frozenset(_TIMELINE["in_force"])
_DATED_BY: Final = frozenset(_TIMELINE["dated_by"])
_NOT_AFTER: Final = frozenset(_TIMELINE["not_after"])
_VAGUE: Final = frozenset(_TIMELINE["vague"])
_UNDATED: Final = _IN_FORCE | _VAGUE
"""Dates in words that may give the move none (``_undated``)."""
_OWN_END: Final = frozenset(_TIMELINE["own_end"])
"""Reversibility cues that are the move's own end ("be lifted"): a span after them is a timeline."""
_UNDOES: Final = frozenset(
    name
    for name, spec in load("clarity.toml")["classes"].items()
    if name == "reversible" or "reversible" in spec.get("counts_as", ())
)
"""Classes that read a move as one that can be undone or runs out."""
_SPEAKER: Final = load("clarity.toml")["speaker"]
_SAYING: Final = frozenset(_SPEAKER["verbs"])
_NOT_SPEAKERS: Final = frozenset(_SPEAKER["not_names"])
_NOT_DECIDING: Final = frozenset(_SPEAKER["not_deciding"])
_UNNAMED: Final = frozenset(_SPEAKER["unnamed"])
_INDEFINITE: Final = frozenset(_SPEAKER["indefinite"])
_NOT_UNNAMED: Final = frozenset(_SPEAKER["unnamed_not_before"])
_AUTHORITIES: Final = frozenset(_SPEAKER["authorities"])
_TITLES: Final = frozenset(_SPEAKER["titles"])
_TITLE_OBJECTS: Final = frozenset(_SPEAKER["title_objects"])
_TITLE_STATEMENTS: Final = frozenset(_SPEAKER["title_statements"])
_BODY_SPEAKS: Final = frozenset(_SPEAKER["speaks"])
_NOT_ACTS: Final = frozenset(_SPEAKER["not_acts"])
_REPORTING: Final = frozenset(_SPEAKER["reporting"]) | _SAYING
"""Verbs by which a source reports or judges ("said", "argue", "indicated")."""
_GROUP_STOPS: Final = frozenset(_SPEAKER["group_stops"])
_NAMED_AFTER: Final = frozenset(_SPEAKER["named_after"])
_CONDITIONS: Final = frozenset(
    name
    for name, spec in load("clarity.toml")["classes"].items()
    if name == "conditional" or "conditional" in spec.get("counts_as", ())
)
"""Classes whose cue opens a condition quoted in ``missing`` ("only as long as …" too)."""
_REVERSIBLE: Final = frozenset(
    name
    for name, spec in load("clarity.toml")["classes"].items()
    if name == "reversible"
    or set(spec.get("counts_as", ())) in ({"reversible"}, {"reversible", "deadline"})
)
"""Classes that read a move as reversible and nothing else: none of them in a background clause
("after a three-year pause in contacts"); a snap-back stated as a possibility there is still a
hedge."""
_PERMANENT_IF_NEGATED: Final = frozenset(load("clarity.toml")["classes"]["reversible"]["negated"])
"""First words of the reversibility cues that a negation turns into permanence ("will not be
lifted", "not temporary"); "will not be renewed" still lapses, so it is not one of them."""
_REVOKED: Final = frozenset(load("clarity.toml")["classes"]["reversible"]["revoked"])
_PASSING: Final = frozenset(("temporary", "temporarily", "provisional", "provisionally", "interim"))
"""Reversibility cues of a measure's own passing nature, which its revocation makes final."""
_LEVELS: Final = frozenset(load("clarity.toml")["classes"]["reversible"]["levels"])
_MEASURES: Final = frozenset(load("clarity.toml")["classes"]["reversible"]["measures"])
_FIGURES: Final = frozenset(load("clarity.toml")["classes"]["enforcement"]["figures"])
_REGIMES: Final = frozenset(load("clarity.toml")["classes"]["enforcement"]["regimes"])
_GATED: Final[dict[str, str]] = {
    **dict.fromkeys(("withheld", "withholds", "withhold"), "own"),
    "unnamed": "unnamed",
    **dict.fromkeys(_PASSING, "passing"),
    **dict.fromkeys(
        ("check", "checks", "checked", "checking"),
        "figures",
    ),
    **dict.fromkeys(("revert", "reverts", "reverted", "reverting"), "revert"),
    **dict.fromkeys(("screen", "screens", "screened", "screening"), "regime"),
    "effective": "rate",
    "charged": "charge",
    **dict.fromkeys((t.split()[0] for t in _TITLES), "source"),
    "said": "source",
}
"""First words of cues whose look-alikes are told by their context (``_look_alike``): a cue
starting with another word costs one failed lookup."""
_OWN_ACCOUNTS: Final = frozenset(load("clarity.toml")["classes"]["withheld"]["own_accounts"])
_UNNAMED_PERSONS: Final = frozenset(load("clarity.toml")["classes"]["anonymous"]["unnamed_persons"])
_DENIED: Final = frozenset(load("clarity.toml")["classes"]["symbolic"]["denied"])
_DENIAL_HEADS: Final = frozenset(d.split()[0] for d in _DENIED)
_UNFULFILLED: Final = tuple(load("clarity.toml")["classes"]["symbolic"]["unfulfilled"])
"""Words ending a gesture's clause that say it never happened ("… never came")."""
_INVERTED: Final = frozenset(
    w.capitalize() for w in load("clarity.toml")["classes"]["conditional"]["inverted"]
)
"""First words of a condition written without "if" ("Should talks fail, …")."""
_NOT_A_CUE: Final = "not_a_cue"
"""The class of look-alikes ("temporary staff", "as expected"): they hide the cue inside them."""
_LOOK_ALIKES: Final[dict[str, set[str]]] = {}
for _first, _second in map(str.split, load("clarity.toml")["classes"][_NOT_A_CUE]["overlapping"]):
    _LOOK_ALIKES.setdefault(_second, set()).add(_first)
"""Two-word look-alikes that also hide a cue ending on their first word, as second word -> first
words ("the commission's order book": the scan's longest match at each position reads
"commission order" first)."""
_CITED: Final = "cited"
"""The class of a source cited ("according to …"), on the record when an authority is named."""


def _statement_date(text: str, d: DateMention) -> bool:
    """Whether a date dates a statement or a meeting rather than the move: right after a verb of
    saying or meeting, with "in" or "on" between ("the ministry said in May", "ministers met on 3
    June")."""
    before = text[max(0, d.start - 16) : d.start].split()
    if d.kind == "month":
        if d.text[:3].lower() not in ("in ", "on "):
            return False
    elif before and before[-1].lower() in ("in", "on"):
        before.pop()
    return bool(before) and before[-1].lower().rstrip(",") in _NOT_AFTER


def _undated(res: SentenceResult, norms: list[str], in_force: ClarityCue) -> None:
    """Wording of a date or deadline that gives the move none: a span without a number in a
    sentence that reads the move as reversible ("could be reversed within days": when it may be
    undone) is dropped; a text's entry into force with no date, deadline, weekday or period near it
    ("the duties took effect in full") is a move in force without a timeline, and its cue keeps
    its points under a note of its own, which gives no date."""
    entries = [k for k, (cc, _) in enumerate(res.clarity) if cc.name in WHEN_CLASSES]
    if not entries:
        return
    vague = [k for k in entries if res.clarity[k][1].lower() in _VAGUE]
    if vague and any(
        cc.name in _UNDOES and phrase.lower() not in _OWN_END for cc, phrase in res.clarity
    ):
        res.clarity = [c for k, c in enumerate(res.clarity) if k not in vague]
        entries = [k for k, (cc, _) in enumerate(res.clarity) if cc.name in WHEN_CLASSES]
        if not entries:
            return
    for k in entries:
        cc, phrase = res.clarity[k]
        if cc.name != "effective" or phrase.lower() not in _IN_FORCE:
            return  # a deadline in words, "effective immediately": a timeline
        words = phrase.lower().split()
        n = len(words)
        at = [i for i in range(len(norms) - n + 1) if norms[i : i + n] == words]
        if not at or not _DATED_BY.isdisjoint(norms[at[0] + n : at[0] + n + 4]):
            return  # "takes effect on Friday", "take effect 30 days after publication"
    for k in entries:
        res.clarity[k] = (in_force, res.clarity[k][1])


def _speaker(raw: list[str], norms: list[str]) -> str:
    """A name written before a verb of saying ("Lutnick said", "the Korea Customs Service said"),
    not a pronoun or an unnamed source, nor one a former title or a trade (economist, firm) comes
    just before; empty in a headline in title case."""
    # (the words of saying, found in C; the first word has no name before it)
    for k in compress(range(1, len(norms)), map(_SAYING.__contains__, islice(norms, 1, None))):
        name = raw[k - 1]
        if name[:1].isupper() and name.isalpha() and norms[k - 1] not in _NOT_SPEAKERS:
            if not _NOT_DECIDING.isdisjoint(norms[max(0, k - 5) : k - 1]):
                continue  # a former official, an economist, a firm: no deciding authority
            return "" if _title_case(raw) else render(raw[k - 1 : k + 1])
    return ""


def _look_alike(
    tag: str, name: str, raw: list[str], norms: list[str], i: int, j: int, phrase: str
) -> bool:
    """Whether a cue (of class ``name`` at [i, j), its first word tagged in ``_GATED``) is a
    look-alike read from its context: a title or "said on" that names no source, a firm's own
    forecast withheld, an unnamed thing, a passing measure revoked, figures checked, a screening
    regime named as the measure, a tariff's effective rate, a fee charged, a market's prices
    reverting."""
    if tag == "source":
        return name == "attribution" and _no_source(raw, norms, i, j, phrase)
    if tag == "own":
        return name == "withheld" and not _OWN_ACCOUNTS.isdisjoint(norms[j : j + 4])
    if tag == "unnamed":
        return name == "anonymous" and _UNNAMED_PERSONS.isdisjoint(norms[j : j + 3])
    if tag == "passing":
        return name in ("reversible", "reversion") and _revoked(norms, i, j)
    if tag == "figures":
        return name == "enforcement" and not _FIGURES.isdisjoint(norms[j : j + 3])
    if tag == "regime":  # "investment screening thresholds": the lever, not its enforcement
        return name == "enforcement" and not _REGIMES.isdisjoint(norms[max(0, i - 1) : j + 3])
    if tag == "rate":  # "the effective US tariff rate": what a tariff costs, not when it starts
        return name == "effective" and _cost_rate(norms[j : j + 4])
    if tag == "charge":  # "charged three men with fraud", not "charged a 5% fee"
        return name == "enforcement" and "with" not in norms[j : j + 6]
    # "revert": prices or rates of a market, not a measure's ("tariff rates revert")
    return (
        i > 0
        and norms[i - 1] in _LEVELS
        and not (i > 1 and norms[i - 2] in _MEASURES)
        and name in ("reversible", "reversion")
    )


def _cost_rate(after: list[str]) -> bool:
    """Whether the words after "effective" name a rate it qualifies ("effective US tariff rate",
    "effective average duty rates"): "rate" within them, with no number or comma before it (as in
    "effective 1 May, the rate rises")."""
    for w in after:
        if w in ("rate", "rates"):
            return True
        if w == "," or w[:1].isdigit():
            return False
    return False


def _revoked(norms: list[str], i: int, j: int) -> bool:
    """Whether the passing measure a cue at [i, j) names is revoked, ended or cancelled within
    four words of it, in its clause ("the temporary general licence was revoked")."""
    lo = max(0, i - 4)
    if _REVOKED.isdisjoint(norms[lo : j + 4]):
        return False  # (one test in C rules most cues out)
    for k in range(lo, min(len(norms), j + 4)):
        if norms[k] in _REVOKED and not _has_break(norms, min(k, i), max(k, j)):
            return True
    return False


def _no_source(raw: list[str], norms: list[str], i: int, j: int, phrase: str) -> bool:
    """Whether an on-record cue names no source: an official's title that a move is left to or
    done with ("leaves the details to the commerce secretary", "during the chancellor's visit")
    or in the possessive before something other than a statement ("the minister's trip"), or "said
    on" after a speaker who decides nothing ("lawyers for the exporters said on Friday")."""
    if phrase == "said on":
        return not _NOT_DECIDING.isdisjoint(norms[max(0, i - 5) : i])
    if phrase not in _TITLES:
        return False
    if i and norms[i - 1] in _FIRMS and raw[i - 1].endswith(("'s", "’s")):
        return True  # "Eurasia Group's president", "the company's chairman": a firm's officer
    if raw[j - 1].endswith(("'s", "’s")):
        return j < len(norms) and norms[j] not in _TITLE_STATEMENTS
    for k in range(i - 1, max(-1, i - 4), -1):
        if raw[k] in PUNCT:
            return False
        if norms[k] in _TITLE_OBJECTS:
            return not (norms[k] == "to" and k and norms[k - 1] == "according")
    return False


def _unnamed(raw: list[str], norms: list[str]) -> str:
    """An unnamed speaker: "an EU diplomat", "a senior Japanese official", "sources in Beijing";
    not one a name follows ("a ministry official, Ito Ken, said", "official Ito Ken") or comes
    just before ("said Ana Ruiz, a former negotiator"), nor a source of goods ("a source of rare
    earths")."""
    n = len(raw)
    for k in compress(range(n), map(_UNNAMED.__contains__, norms)):
        nxt = raw[k + 1 : k + 3]
        if nxt and (
            nxt[0][:1].isupper()
            or nxt[0].lower() in _NOT_UNNAMED
            or (nxt[0] == "," and k + 2 < n and nxt[1][:1].isupper())
        ):
            continue
        if norms[k] == "sources":
            return raw[k]
        for i in range(k - 1, max(-1, k - 4), -1):
            if raw[i] in PUNCT:
                break
            if norms[i] in _INDEFINITE:
                if (
                    i > 1
                    and raw[i - 1] == ","
                    and raw[i - 2][:1].isupper()
                    and not _SAYING.isdisjoint(norms[max(0, i - 5) : i - 2])
                ):
                    break  # "said Ana Ruiz, a former negotiator": the name before is the source
                    # (not "duties on Canada, an official hinted")
                return render(raw[i : k + 1])
    return ""


_TIME_WORDS: Final = _DATE_WORDS | _NUMBER_WORDS | frozenset(("one",))


_DETERMINERS: Final = frozenset(
    ("the", "a", "an", "all", "any", "every", "its", "their", "few", "some")
)
"""Words between a destination's preposition and the state's name ("on all US beef")."""
_PERMISSIVE: Final = frozenset(("may", "could", "can"))
"""Modals that also grant a permission ("may keep their licences provided they …")."""
_PROVISOS: Final = frozenset(("provided", "providing"))
_SUBJECT_PRONOUNS: Final = frozenset(("they", "it", "he", "she", "we", "you"))


def _permission(norms: list[str], j: int) -> bool:
    """Whether a modal ending at ``j`` grants a permission on a proviso its own subject must meet,
    within its sentence ("exporters may keep their licences provided they accept checks",
    "chipmakers could ship provided that they get approval"), rather than saying what may happen
    ("Beijing could resume deliveries provided Washington eases curbs")."""
    for k in range(j, min(len(norms) - 1, j + 14)):
        t = norms[k]
        if t in _PROVISOS or (t == "as" and norms[k - 1] == "long"):
            nxt = norms[k + 1]
            if nxt == "that" and k + 2 < len(norms):
                nxt = norms[k + 2]
            return nxt in _SUBJECT_PRONOUNS
        if t in (".", ";", "?", "!"):
            return False
    return False


_SOON_TIMES: Final = _TIME_WORDS | frozenset(
    ("this", "next", "today", "tomorrow", "tonight", "possible", "monday", "tuesday", "wednesday",
     "thursday", "friday", "saturday", "sunday")
)  # fmt: skip
"""Words after "as soon as" that say how early a move comes ("as soon as next week", "as soon as
possible"), not what it waits on ("as soon as Ottawa drops its levy")."""


def _time_bound(raw: str, norm: str) -> bool:
    """Whether a word after "only for" or "only until" starts a period or a date ("30 days",
    "six months", "September"), not what the move hangs on."""
    return raw[:1].isdigit() or norm in _TIME_WORDS


def _condition_at(raw: list[str], norms: list[str], who: list[Span]) -> int:
    """Where a condition opens on a name inside a sentence: "provided China curbs …", "once
    Beijing resumes purchases" or a verb first, "… should Washington raise duties"; not "provided
    Reuters with …", nor "once" after a comma ("Huawei, once China's top maker"), nor a headline in
    title case; -1 when none."""
    for _, tag, k, _, _ in who:
        if (
            tag == "opener"
            and 0 < k < len(raw) - 2
            and raw[k].islower()
            and (norms[k] != "once" or raw[k - 1] not in PUNCT)  # "Huawei, once China's …"
        ):
            name = raw[k + 1]
            if (
                name[:1].isupper()
                and name != "I"
                and "with" not in norms[k + 2 : k + 5]
                and not _title_case(raw)
            ):
                return k
    return -1


def _body_acts(raw: list[str], norms: list[str], who: list[Span], beat: bool) -> str:
    """A named official body that acts or reports in its own name, its verb in the past right
    after it ("the European Commission suspended", "the Treasury reported", "the Justice
    Department charged"); a body in lower case only with a verb of saying or publishing ("the
    ministry hinted", not "the office reopened"); not a participle that describes it ("the
    Commission based in Brussels"), nor a headline in title case. A body that acts counts in a
    sentence on the beat's topics or states (``beat``); one that speaks or publishes in any."""
    for _, tag, k, _, _ in who:
        if tag != "body" or k + 1 >= len(norms):
            continue
        if norms[k + 1] in _BODY_SPEAKS and raw[k + 1].islower() and not _title_case(raw):
            return render(raw[k : k + 2])  # "the ministry hinted", "the Treasury said"
        if beat and raw[k][:1].isupper():
            verb = raw[k + 1]
            if (
                verb.endswith("ed")
                and verb.isalpha()
                and verb.islower()
                and verb not in _NOT_ACTS
                and (k + 2 >= len(norms) or norms[k + 2] not in ("with", "by"))
                and not _title_case(raw)
            ):
                return render(raw[k : k + 2])
    return ""


def _group(raw: list[str], norms: list[str], who: list[Span]) -> str:
    """Unnamed people as a group that reports or judges ("officials said", "officials in Tokyo
    indicated", "critics argue", ", said two diplomats"); not a group a name or a body follows
    ("analysts at Gavekal said"), nor one that does not report ("officials did not say",
    "officials declined to say")."""
    n = len(norms)
    for k in [m[START] for m in who if m[PAYLOAD] == "group"]:
        if k + 2 < n and norms[k + 1] in _NAMED_AFTER and raw[k + 2][:1].isupper():
            continue  # a named firm or body ("analysts at Gavekal")
        for i in range(k + 1, min(n, k + 5)):
            t = norms[i]
            if t in _REPORTING:
                return render(raw[k : i + 1])
            if t in _GROUP_STOPS or raw[i] in PUNCT:
                break
        if (k + 1 == n or raw[k + 1] in PUNCT) and (
            (k and norms[k - 1] in _REPORTING)
            or (k > 1 and norms[k - 2] in _REPORTING and raw[k - 1] not in PUNCT)
        ):  # ", said two diplomats." (at the end of its clause: "said exporters must" is no source)
            return render(raw[k - 1 : k + 1])
    return ""


def _acted_on(layers: dict[str, list[Span]], raw: list[str], norms: list[str]) -> str:
    """A state named as the object of a move, without a preposition: right after the move's cue
    or its article ("restrict Chinese funds"), or in the possessive before what the measure grants
    it ("Japan's exemption"); not after "adding" as a verb of saying (", adding Japan would …")."""
    actors = {m[START]: m for m in layers.get("actor", ())}
    if not actors:
        return ""
    for layer in ("event", "pivot"):
        for m in layers.get(layer, ()):
            i = m[START]
            if i and raw[i - 1] == "," and norms[i] in ("adding", "added"):
                continue  # ", adding Australia would …": a verb of saying, no move
            j = m[END]
            k = j + 1 if j < len(norms) and norms[j] in {"the", "a", "an"} else j  # (a set: hashed)
            a = actors.get(k)
            if a is not None:
                return render(raw[m[START] : a[END]])
    for a in actors.values():  # what a measure grants a state ("Japan's exemption")
        j = a[END]
        if j < len(norms) and norms[j] in _GRANTED and raw[j - 1][-2:] in ("'s", "’s"):
            return render(raw[a[START] : j + 1])
    return ""


_REFUSING: Final = frozenset(("declined", "declines", "declining", "decline"))
"""Market-move words that are a refusal before "to" ("declined to say how much")."""


def _statistic(res: SentenceResult, listed: frozenset[str], eng: Engine, norms: list[str]) -> bool:
    """A trade flow reported moving in a sentence without a move ("exports to China fell 5% in
    May"): a statistic, whose states and months are no destination or timeline of a measure
    (``listed``: the sentence's listed words, ``SentenceAnalyser``); a refusal ("declined to
    say how much") moves no flow."""
    if _FLOWS.isdisjoint(listed):
        return False
    for f in res.direction:
        if "background" not in f[NOTE]:
            return False  # (a move only in the background, "rose ahead of the curbs", moves none)
    moves = eng.market_moves & listed
    if not moves or not moves <= _REFUSING:
        return bool(moves)
    last = len(norms) - 1
    return any(w in moves and (k == last or norms[k + 1] != "to") for k, w in enumerate(norms))


def _names_a_measure(
    res: SentenceResult, layers: dict[str, list[Span]], listed: frozenset[str], eng: Engine
) -> bool:
    """Whether the sentence names a measure whose size or date a number in it may give: a move,
    a lever of the beat, a policy verb, a measure's clarity cue, or words of what a measure
    reaches, caps or counts; not a memoir's two chapters or a report circulated on 2 June."""
    if res.direction or "lever" in layers or not _SIZED.isdisjoint(listed):
        return True
    if not eng.scope.policy_verbs.isdisjoint(listed):
        return True
    return any(cc.name in _MEASURED for cc, _ in res.clarity)


def _enacted(res: SentenceResult) -> str | None:
    """The cue of the sentence's first enacted material move (the ``[material]`` clarity cue:
    "cut duties", "froze their assets"), if it states one."""
    for f in res.direction:
        if f[MATERIAL] and abs(f[CONTRIBUTION]) >= 5.0:
            return str(f[CUE])
    return None


def _side_by_side(acts: list[Span], norms: list[str]) -> bool:
    """Whether the last two states named are joined by "and" and act side by side, each on its
    own ("Seoul and Tokyo both tightened controls", "… each imposed duties")."""
    a, b = acts[-2], acts[-1]
    j = b[END]
    return (
        norms[a[END] : b[START]] == ["and"]
        and j < len(norms)
        and (norms[j] in _PARALLEL or (j + 1 < len(norms) and norms[j + 1] in _PARALLEL))
    )


def _targeted(actors: list[Span], raw: list[str], norms: list[str]) -> str:
    """A state's firms or goods named as what a measure reaches, after the verb that reaches them
    ("designated 14 Russian shipping companies", "did not identify the Chinese companies"); not a
    state's firms opening the sentence or a clause as its subject ("Chinese exporters must …"), nor
    the firm a speaker works at ("an economist at a Korean bank")."""
    for _, _, i, j, _ in actors:
        if i and raw[i - 1] not in PUNCT and not _TARGETS.isdisjoint(norms[j : j + 3]):
            before = norms[i - 1]
            if (
                before in _HELD_BY
                or (i > 1 and before == "the" and norms[i - 2] in _OF_THE)
                or (i > 1 and before == "of" and norms[i - 2] in _HOLDINGS)
            ):  # the firm as the doer or the holder ("placed by Chinese buyers", "the board at
                # the Chinese EV maker", "shares of Japanese carmakers")
                continue
            if i > 1 and before in ("a", "an") and norms[i - 2] in ("at", "of"):
                continue  # where a speaker works ("an analyst at a Hong Kong research firm")
            return render(raw[i : j + 1])
    return ""


def _held_back(norms: list[str], i: int, j: int) -> str:
    """The words of the clause a withheld-detail cue at ``i:j`` stands in: a few before it, back
    to a clause break ("the buyers were not named"), and those after it up to the clause's end
    ("did not say which buyers would get licences, but …"); what the rest of the sentence names
    ("quotas for Korean buyers, but did not specify volumes") is given, not held back."""
    lo = i
    while lo > 0 and i - lo < _WITHHELD_BEFORE and norms[lo - 1] not in _CLAUSE_BREAKS:
        lo -= 1
    hi = j
    while hi < len(norms) and norms[hi] not in _CLAUSE_ENDS:
        hi += 1
    return " ".join(norms[lo:hi])


def _counterparty(
    raw: list[str],
    norms: list[str],
    dest_words: frozenset[str],
) -> str:
    """A destination or counterparty that is no state: a place or firm named after a destination
    preposition ("sales to the Gulf", "duties on BYD")."""
    n = len(norms)
    for k in compress(range(n - 1), map(dest_words.__contains__, norms)):  # (not the last word)
        t = k + 2 if norms[k + 1] == "the" else k + 1
        if (
            t < n
            and raw[t][:1].isupper()
            and norms[t] not in _NOT_NAMES
            and (not k or norms[k - 1] not in _VENUE_HEADS)
        ):
            if _a_list(raw, norms, t):
                continue  # "added to the Unreliable Entity List": a list, no counterparty
            # in a headline in title case every word is capitalised
            return "" if _title_case(raw) else render(raw[k : t + 1])
    return ""


def _unfulfilled(norms: list[str], j: int) -> bool:
    """Whether the clause after a symbolic cue ending at ``j`` ends on words that say the gesture
    never happened ("the gesture of goodwill that markets wanted never came")."""
    k = j
    while k < len(norms) and k < j + 10 and norms[k] not in _CLAUSE_ENDS:
        k += 1
    if k == j:
        return False
    return " ".join(norms[j:k]).endswith(_UNFULFILLED)  # (not "did not come with any figures")


def _a_list(raw: list[str], norms: list[str], t: int) -> bool:
    """Whether the name that starts at ``t`` is a list's ("the Entity List", "the Military
    End-User list") or an event's or era's named after it ("a NATO meeting", "the Qing dynasty"):
    "list" or one of ``_EVENTS`` ends its run of capitalised words or comes just after it."""
    for x in range(t, min(len(raw), t + 5)):
        if norms[x] == "list":
            return True
        if not raw[x][:1].isupper():
            return x > t and norms[x] in _EVENTS
    return False


class SentenceAnalyser:
    """Analyses sentences with a compiled engine; stateless between calls."""

    def __init__(self, eng: Engine) -> None:
        self.eng = eng
        scope = eng.scope
        self._listed = frozenset().union(
            _DATED, _NUMBER_WORDS, _REPORTING, _UNNAMED, _TARGETS, KIND_WORDS, PASSIVE_AUX,
            _FLOWS, eng.market_moves, scope.org_words, scope.sectors, scope.policy_verbs, ("to", "than", "until"),
            _NOT_AFTER, _PARALLEL, _SIZED,
        )  # fmt: skip
        """The words of the lists a sentence is tested against as a whole (``_REPORTING`` holds
        ``_SAYING``): their intersection with a sentence is taken once, and each test reads it."""
        self._in_force = eng.clarity_classes["in_force"]
        """What an undated entry into force reads as (``_undated``)."""

    def analyse(self, text: str, tokens: Tokens, published: date | None) -> SentenceResult:
        """All findings of ``text`` (tokenised), resolving date expressions against ``published``."""
        eng = self.eng
        raw, norms = tokens
        res = SentenceResult(text)
        if not norms:
            return res
        layers = eng.index.find(norms)
        marks = opened = who = None
        if "infinitive" in layers:
            # "to" before a verb: an event in the infinitive ("to appease the public"), not done
            marks = layers.pop("infinitive")
        if "open" in layers:
            # "refused to rule out", "is accused of": an event left open, not hedged wording
            opened = layers.pop("open")
        if "who" in layers:
            # unnamed groups, official bodies and condition openers ("officials", "commission",
            # "provided")
            who = layers.pop("who")
        if not layers:
            if marks is not None:
                res.hedge = infinitive(raw, norms, marks)
            if opened is not None:
                res.hedge += left_open(opened)
            return res
        listed = self._listed.intersection(norms)  # (tested below instead of the whole sentence)
        if ("May" in text or "March" in text) and not _CAPITAL_MONTHS.isdisjoint(raw):
            # (a token is a piece of the text: a substring search rules most sentences out)
            months = _months(raw)
            for layer in _VERB_LAYERS.intersection(layers):
                # "in May", "on March 28": a month, not a modal or a protest march
                layers[layer] = [m for m in layers[layer] if m[START] not in months]
        if "name" in layers:
            _drop_inside_names(layers)
        if "body" in layers:
            _drop_inside_bodies(layers, raw)
        if "actor" in layers:
            acts, starts = layers["actor"], eng.venue_starts
            before, after, n = eng.venue_before, eng.venue_after, len(norms)
            for m in acts:
                i, j = m[START], m[END]
                if (
                    norms[i] in starts
                    # (the context a venue needs, tested first without a call: most capitals act)
                    and ((i and norms[i - 1] in before) or (j < n and norms[j] in after))
                    and _is_venue(m, norms, eng)
                ):
                    layers["actor"] = [m for m in acts if not _is_venue(m, norms, eng)]
                    break
        acts = named_actors(layers["actor"], raw) if "actor" in layers else _NO_MATCHES
        if acts and (not eng.scope.org_words.isdisjoint(listed) or "<" in text or "&lt;" in text):
            scope = eng.scope  # (only a sentence with a company word or a <name> is checked)
            acts = [m for m in acts if not _is_organisation(m, raw, norms, scope)]
        if acts and ("event" in layers or "pivot" in layers) and "to" in listed:
            _headline_future(layers, acts, norms)
        if "lever" in layers:
            res.levers = [m[PHRASE] for m in layers["lever"]]
        codes: list[str] = []  # the states named, each once, in order
        for m in acts:
            if (code := m[PAYLOAD].code) not in codes:
                codes.append(code)
        if not res.levers and len(codes) < 2:
            scope = eng.scope  # a move on a trade flow or sector (the scope reads them)
            if not scope.sectors.isdisjoint(listed):
                res.sectors = list(filter(scope.sectors.__contains__, norms))  # (in C)
                if not scope.policy_verbs.isdisjoint(listed):
                    res.policy_verbs = list(filter(scope.policy_verbs.__contains__, norms))
        neg = layers.get("neg", _NO_MATCHES)
        if "event" in layers or "pivot" in layers:
            # the moves (moves.py): pivots read through their objects, then the event cues left
            if "pivot" in layers:
                cues, consumed = pivot_moves(eng, layers, norms)
            else:
                cues, consumed = [], None
            cues = event_moves(layers, norms, consumed, cues, listed)
            if cues:
                weigh_moves(eng, res, cues, layers, raw, norms, neg, acts, listed)
        hedges = layers.get("hedge")
        if hedges and "than" in listed:
            # "worse than analysts had forecast": a result, not a forecast
            hedges = compared(hedges, norms)
        if hedges:
            # a weak cue repeated (will ... will ... will) is one modal frame, counted once
            strengths = {m[PHRASE]: m[PAYLOAD] for m in hedges}.values()
            score = sum(strengths) - 0.3 * len(layers.get("certainty", ()))
            res.hedge = score
            # a full-strength cue (may, might, suggest, whether) is not cancelled by a booster
            res.hedged = score >= eng.hedge_threshold or max(strengths) >= 1.0
        if not res.hedged:  # what these add is read by the factor on clarity, not the flag
            if marks is not None:
                enacted = _enacted(res) is not None
                res.hedge += infinitive(raw, norms, marks, enacted)
            if opened is not None:
                res.hedge += left_open(opened)
            if "until" in listed and neg:
                # "won't close until regulators approve": the event waits on a condition
                res.hedge += held_until(norms, neg)
        # (has_digit() written out: ASCII text has a digit when marking them changes its bytes)
        digit = (
            (data := text.encode()).translate(DIGIT_MARKS) != data
            if text.isascii()
            else has_digit(text)
        )
        undated = self._clarity(res, layers, raw, norms, neg, who or _NO_MATCHES, listed, digit)
        if acts or "topic" in layers:  # the states and the topics named, each once, in order
            topics: list[str] = []
            for m in layers.get("topic", ()):
                topic = m[PAYLOAD]
                if topic not in topics:
                    topics.append(str(topic))
            res.actors, res.topics = codes, topics
            if len(codes) > 1 and (
                not _names_a_measure(res, layers, listed, eng)  # "peaked in the US in 2019"
                or (not _PARALLEL.isdisjoint(listed) and _side_by_side(acts, norms))
                or (
                    _statistic(res, listed, eng, norms)
                    and (raw[0].lower() in _FLOWS or not _FLOWS.isdisjoint(raw))
                )
            ):  # no counterparties of each other (a flow written in lower case or first: "Trade"
                # in a ministry's name is no statistic)
                res.no_counterparty = True
        dates: list[DateMention] = (
            _NO_DATES
            if _DATED.isdisjoint(listed)
            else find_dates(text, published, kinds, resolve=_resolves(layers, published))
            if (kinds := date_kinds(text, raw, norms, listed, digit))
            else _NO_DATES
        )
        if dates and (res.direction or not _statistic(res, listed, eng, norms)):
            # (a move in the background still dates: "fell 20% after the tariffs took effect in
            # May" gives the tariffs' month)
            for d in dates:
                # "in 2026 and 2027", "by 2030": a year still to come dates a commitment; one
                # already past ("in 1986") is history
                if (
                    d.kind != "year" or published is None or int(d.text[-4:]) >= published.year
                ) and (_NOT_AFTER.isdisjoint(listed) or not _statement_date(text, d)):
                    if _names_a_measure(res, layers, listed, eng):
                        res.has_date = True
                        tl = eng.clarity_classes["timeline"]
                    else:  # a memoir published in 2021, a report circulated on 2 June
                        tl = eng.clarity_classes["dated"]
                    res.clarity.append((tl, d.text))
                    break
        if undated and not res.has_date:
            _undated(res, norms, self._in_force)
        if "reversion" in layers:
            bg = layers.get("background")
            hidden = [
                (i, j) for _, cc, i, j, _ in layers.get("clarity", ()) if cc.name == _NOT_A_CUE
            ]
            neg = layers.get("neg", _NO_MATCHES)
            current = [
                m
                for m in layers["reversion"]
                if (not bg or _background_factor(bg, m[START], raw, eng) == 1)
                and not any(i <= m[START] < j for i, j in hidden)
                and not (
                    (w := norms[m[START]]) in _GATED
                    and _look_alike(_GATED[w], "reversion", raw, norms, m[START], m[END], "")
                )
                and not (
                    neg
                    and norms[m[START]] in _PERMANENT_IF_NEGATED
                    and _in_scope(neg, m[START], eng.negation_window, norms)
                )
            ]
            if current:
                self._reversion(res, current, raw, dates)
        if (
            dates
            and res.direction
            and res.reversion is None
            and any(d.kind == "relative" and d.text[:3].lower() == "for" for d in dates)
        ):  # a move "for 90 days" lapses when the span ends (also one a weak cue names, as in
            # "suspended its countermeasures for six months")
            if not _resolves(layers, published):
                dates = find_dates(text, published, date_kinds(text, raw, norms))
            res.reversion = _temporary_span(raw, norms, dates, published)
        return res

    def _clarity(
        self,
        res: SentenceResult,
        layers: dict[str, list[Span]],
        raw: list[str],
        norms: list[str],
        neg: list[Span],
        who: list[Span],
        listed: frozenset[str],
        digit: bool,
    ) -> bool:
        """Read the sentence's clarity cues into ``res`` (``digit``: whether its text has a digit);
        whether one of them is a date in words that may give the move none (``_undated``)."""
        eng = self.eng
        classes = eng.clarity_classes
        undated = False
        last = len(norms)
        bg = layers.get("background")
        # where the last condition cue ends: an instrument named inside the condition is what the
        # move waits on, not the text that makes it ("on condition that Washington removes the
        # firms from the Entity List"), unless the condition is that text's own ratification; so
        # are violations that may emerge ("unless new violations emerge"), while checks a move
        # waits on are its verification ("provided buyers accept on-site audits")
        cond_end = -1
        # where the last withheld-detail cue ends: checks it leaves unsaid are no enforcement
        # ("is silent on how origin will be audited", "did not say how the quota is enforced")
        held_end = -1
        for _, cc, i, j, phrase in layers.get("clarity", ()):
            name = cc.name
            if name == _NOT_A_CUE:
                continue
            if (w := norms[i]) in _GATED and _look_alike(_GATED[w], name, raw, norms, i, j, phrase):
                continue  # "withheld its forecast", "the premier's visit", "rates reverted" …
            if j < last and (heads := _LOOK_ALIKES.get(norms[j])) and norms[j - 1] in heads:
                continue  # the cue's last word opens a look-alike: "the commission's order book"
            if (
                0 <= cond_end <= i
                and (name == "instrument" or (name == "enforcement" and w.startswith("violat")))
                and _PUNCT_SET.isdisjoint(raw[cond_end:i])
                and not w.startswith("ratif")  # "subject to ratification": its own text
            ):
                continue
            if name == "symbolic" and (
                (
                    not _DENIAL_HEADS.isdisjoint(norms)
                    and any(
                        c[PAYLOAD].name == _NOT_A_CUE and c[PHRASE] in _DENIED
                        for c in layers["clarity"]
                    )
                )  # "the gesture was anything but symbolic"
                # "made no gesture", "the gesture markets hoped for never came" (each phrase
                # of ``_UNFULFILLED`` holds a negation)
                or (
                    neg
                    and (_in_scope(neg, i, eng.negation_window, norms) or _unfulfilled(norms, j))
                )
            ):
                continue
            if (
                name == "attribution"
                and not res.direction
                and phrase in _TITLES
                and _REPORTING.isdisjoint(listed)
                and "according" not in norms[max(0, i - 4) : i]
            ):  # "the secretary was born in Conway": a title that neither speaks nor acts
                continue
            if name == _CITED:  # "according to the ministry": an authority on the record
                if not _AUTHORITIES.isdisjoint(norms[j : j + 3]):
                    res.clarity.append((classes["attribution"], render(raw[i : j + 3])))
                continue
            if w in _PERMISSIVE and name == "hedge" and _permission(norms, j):
                continue  # "exporters may keep their licences provided they accept audits"
            if (
                name == "enforcement"
                and 0 <= held_end <= i < held_end + 8
                and "how" in norms[held_end:i]
                and _PUNCT_SET.isdisjoint(raw[held_end:i])
            ):
                continue
            if cc.points > 0.0 and neg and _in_scope(neg, i, eng.negation_window, norms):
                continue
            if name in _REVERSIBLE and bg and _background_factor(bg, i, raw, eng) != 1.0:
                continue
            if (
                neg
                and norms[i] in _PERMANENT_IF_NEGATED
                and _in_scope(neg, i, eng.negation_window, norms)
            ):  # "will not be lifted", "was not framed as temporary": a permanent move
                continue
            if (
                name in _CONDITIONS
                and j < len(raw)
                and (
                    _time_bound(raw[j], norms[j])
                    or (j - i == 3 and norms[i + 1] == "soon" and norms[j] in _SOON_TIMES)
                )
            ):
                # "valid only for 30 days", "runs only until 30 September": a time limit, no
                # condition; what lasts only until a date is still reversible; "as soon as next
                # week" says how early, not on what
                if name != "conditional":
                    res.clarity.append((classes["reversible"], phrase))
                continue
            res.clarity.append((cc, phrase))
            if phrase in _UNDATED:
                undated = True
            if name == "withheld":
                held_end = j
                low = _held_back(norms, i, j)
                for what, words in _WITHHELD_TOPICS.items():
                    if any(w in low for w in words):
                        res.withheld = {*res.withheld, what}
            elif name in _CONDITIONS:
                cond_end = j
                tail: list[str] = []
                for tok in raw[j : j + MAX_CONDITION_TOKENS]:
                    if tok in PUNCT:
                        break
                    tail.append(tok)
                if tail:
                    res.conditions = [*res.conditions, " ".join(tail)]
        tags = {m[PAYLOAD] for m in who} if who else _NO_TAGS
        if raw[0] in _INVERTED and "," in raw:  # "Should talks fail, …": a condition
            cond = classes["conditional"]
            res.clarity.append((cond, raw[0]))
            tail = raw[1 : raw.index(",")][:MAX_CONDITION_TOKENS]
            res.conditions = [*res.conditions, " ".join(tail)]
        elif "opener" in tags and (k := _condition_at(raw, norms, who)) > 0:
            # "provided China curbs …", "ready to act should Washington raise duties"
            res.clarity.append((classes["conditional"], raw[k]))
            tail = []
            for tok in raw[k + 1 : k + 1 + MAX_CONDITION_TOKENS]:
                if tok in PUNCT:
                    break
                tail.append(tok)
            res.conditions = [*res.conditions, " ".join(tail)]
        if (
            "group" in tags
            and not _REPORTING.isdisjoint(listed)
            and (source := _group(raw, norms, who))
        ):  # unnamed people as a group that reports: "officials in Tokyo said", "critics argue"
            res.clarity.append((classes["anonymous"], source))
        elif ("topic" in layers or "actor" in layers) and not _SAYING.isdisjoint(listed):
            # an unnamed speaker ("an EU diplomat said") or a named one, in a sentence on the
            # beat's topics or its states
            if not _UNNAMED.isdisjoint(listed) and (source := _unnamed(raw, norms)):
                res.clarity.append((classes["anonymous"], source))
            elif "attribution" not in [cc.name for cc, _ in res.clarity]:
                speaker = _speaker(raw, norms)
                if speaker:
                    rec = classes["attribution"]
                    res.clarity.append((rec, speaker))
        if (
            "body" in tags
            and all(cc.name not in ("attribution", "anonymous") for cc, _ in res.clarity)
            and (body := _body_acts(raw, norms, who, "topic" in layers or "actor" in layers))
        ):  # "the European Commission suspended …", "the Treasury reported"
            res.clarity.append((classes["attribution"], body))
        k = -1
        if digit:
            units = {m[START] for m in layers.get("unit", [])}
            k = _quantity_at(norms, units, layers.get("currency", []), eng.market_moves)
            if k < 0 and _GLUED_TAIL.search(res.text) and _GLUED_AMOUNT.search(res.text):
                k = _glued_amount_at(norms, _GLUED_AMOUNT)
        if (
            k < 0 and (res.direction or "topic" in layers) and not _NUMBER_WORDS.isdisjoint(listed)
        ):  # a count in words ("three crews") is read where a move or the beat is named
            k = _counted_at(norms)
        if k >= 0:
            if _names_a_measure(res, layers, listed, eng):  # a number sizes a move or a lever
                res.has_quantity = True
                q = classes["quantity"]
            else:  # a memoir's two chapters, a market worth $50bn: a figure, no volumes
                q = classes["figure"]
            if k and norms[k - 1] in _CURRENCY_SIGNS:
                k -= 1  # "$ 3bn" -> "$3bn"
            res.clarity.append((q, render(raw[k : k + 2])))
        dest_words = eng.destination_words
        if (layers.get("topic") or res.direction) and (
            _FLOWS.isdisjoint(listed) or not _statistic(res, listed, eng, norms)
        ):
            for _, _, i, j, _ in layers.get("actor", []):
                k = i - 1
                while k >= i - 3 and k >= 0 and norms[k] in _DETERMINERS:
                    k -= 1  # "the ban on all US beef", "relief on a few US farm goods"
                if norms[j - 1] == "list" or (j < last and norms[j] in _EVENTS):
                    continue  # "added to the Unreliable Entity List", "for a NATO meeting"
                if k >= 0 and (
                    (norms[k] in dest_words and (not k or norms[k - 1] not in _VENUE_HEADS))
                    # a trade party placed in a state ("a single customer in Korea")
                    or (k and norms[k] == "in" and norms[k - 1] in _TARGETS)
                ):
                    res.has_destination = True
                    dest = classes["destination"]
                    phrase = render(raw[k:j])
                    res.clarity.append((dest, phrase))
                    break
            if not res.has_destination and "topic" in layers:
                phrase = _acted_on(layers, raw, norms) or _counterparty(raw, norms, dest_words)
                if phrase:
                    res.has_destination = True
                    dest = classes["destination"]
                    res.clarity.append((dest, phrase))
        if not res.has_destination and "actor" in layers and not _TARGETS.isdisjoint(listed):
            phrase = _targeted(layers["actor"], raw, norms)
            if phrase:
                res.has_destination = True
                dest = classes["destination"]
                res.clarity.append((dest, phrase))
        if (cue := _enacted(res)) is not None:
            res.clarity.append((classes["material"], cue))
        return undated

    def _reversion(
        self,
        res: SentenceResult,
        matches: list[Span],
        raw: list[str],
        dates: list[DateMention],
    ) -> None:
        cue = ([m for m in matches if m[PAYLOAD]] or matches)[0]
        resolved = min(
            [d for d in dates if d.date is not None],
            key=lambda d: (_DATE_PRIORITY.get(d.kind, 9), d.start),
            default=None,
        )
        if not (cue[PAYLOAD] or resolved):
            # a move that holds "until" a date lapses on it, also where the date's year is not
            # known ("suspended until December 31" in an item without a publication date)
            for m in matches:
                if m[PHRASE] == "until":
                    for d in dates:
                        if d.text[:6].lower() == "until " or res.text[
                            max(0, d.start - 6) : d.start
                        ].lower().endswith("until "):
                            lapse: Span = (m[0], True, m[START], m[END], m[PHRASE])
                            res.reversion = Reversion(lapse, raw, d)
                            return
            return
        res.reversion = Reversion(cue, raw, resolved)

"""The compiled lexicons: one phrase index over every layer, built once per process."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Any, Final

import pycountry

from .lexicon import PhraseIndex, inflect, load


@dataclass(frozen=True, slots=True)
class EventCue:
    """A CAMEO-style event category: code, name, flipped Goldstein-like weight and mode."""

    code: str
    name: str
    weight: float
    mode: str
    label: str = ""
    complement: str = ""
    nouns: frozenset[str] = frozenset()
    """For the complement "with a noun": the nouns one of which must follow the verb."""
    """What must follow the verb in its clause for it to be an event (``_COMPLEMENTS``): "to" and
    a verb for a directive ("ordered X to leave"), "to" and a court ("took X to the WTO"), "to" a
    recipient ("handed X to Y"), "against" ("cautioned X against …"), or one of ``nouns``
    ("declined a US request", "took in Syrian refugees")."""


@dataclass(frozen=True, slots=True)
class ActorCue:
    """An actor name: the normalised code, whether it only counts when written in capitals (US,
    not "us") and whether it only counts with a capital first letter (Chile, not "chile")."""

    code: str
    caps: bool
    proper: bool = False


@dataclass(frozen=True, slots=True)
class ClarityCue:
    """A clarity cue class with its points per cue, per-item cap and plain-words note."""

    name: str
    points: float
    cap: float
    note: str


@dataclass(frozen=True, slots=True)
class ScopeSettings:
    """How relevance is judged (``scope.toml``): weights, the threshold, organisation-name words
    and the reason said for each out-of-scope frame."""

    threshold: float = 0.5
    title_weight: float = 1.2
    late_weight: float = 0.5
    decay: float = 0.5
    frame_penalty: float = 1.0
    suffixes: frozenset[str] = frozenset()
    firms: frozenset[str] = frozenset()
    firm_window: int = 3
    sectors: frozenset[str] = frozenset()
    """Trade flows and exposed sectors, and the policy verbs acting on them (word forms)."""
    policy_verbs: frozenset[str] = frozenset()
    not_modifiers: frozenset[str] = frozenset()
    org_words: frozenset[str] = frozenset()
    """``suffixes`` and ``firms``, normalised as tokens are (a sentence with none skips the check)."""
    reasons: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Engine:
    """Everything the scorer needs, compiled: the phrase index and the numeric settings."""

    index: PhraseIndex
    frame_index: PhraseIndex
    pivot_weights: dict[str, float]
    restrictive_pivots: tuple[str, ...]
    """Stems of pivot verbs whose object always reads as a restriction."""
    negation_window: int
    irrealis_factor: float
    irrealis_window: int
    background_factor: float
    hedge_threshold: float
    clarity_base: float
    clarity_classes: dict[str, ClarityCue]
    settings: dict[str, Any]
    destination_words: frozenset[str]
    market_moves: frozenset[str] = frozenset()
    venue_cities: frozenset[str] = frozenset()
    venue_starts: frozenset[str] = frozenset()
    """First words of ``venue_cities``: a sentence without any skips the venue check."""
    venue_before: frozenset[str] = frozenset()
    venue_after: frozenset[str] = frozenset()
    scope: ScopeSettings = field(default_factory=lambda: ScopeSettings())


def country_names() -> list[tuple[str, str]]:
    """(name, ISO 3166-1 alpha-2 code) for every country and territory, from pycountry: the ISO
    name, common and official names, inverted where ISO writes them inverted ("Korea, Republic
    of" -> "Republic of Korea") and without parenthesised notes."""
    out: list[tuple[str, str]] = []
    for country in pycountry.countries:
        seen: set[str] = set()
        for attr in ("name", "common_name", "official_name"):
            name = getattr(country, attr, None)
            if not isinstance(name, str):
                continue
            name = name.split("(")[0].strip()
            if "," in name:
                head, _, tail = name.partition(",")
                name = f"{tail.strip()} {head.strip()}"
            name = name.removeprefix("The ").removeprefix("the ")
            if name and name not in seen:
                seen.add(name)
                out.append((name, str(country.alpha_2)))
    return out


def _add_all(index: PhraseIndex, layer: str, cues: list[str], payload: Any) -> None:
    for cue in cues:
        index.add(layer, cue, payload)


_COMPLEMENTS: Final = {
    "directives": "directive",
    "to_forum": "to a forum",
    "to_recipient": "to a recipient",
    "with_against": "against",
}
"""Keys of an event category whose verbs count only with a complement after them (``moves.py``),
and the complement's name."""


@cache
def engine() -> Engine:
    """The process-wide compiled engine (lexicons are read once, on first use)."""
    events = load("events.toml")
    modality = load("modality.toml")
    clarity = load("clarity.toml")
    actors = load("actors.toml")
    topics = load("topics.toml")
    scope = load("scope.toml")
    index = PhraseIndex(events.get("irregular", {}))

    for cat in events["category"]:
        code, name = str(cat["code"]), str(cat["name"])
        cue = EventCue(code, name, float(cat["weight"]), str(cat["mode"]), f"{code} {name}")
        _add_all(index, "event", cat["cues"], cue)
        for key, complement in _COMPLEMENTS.items():
            if key in cat:
                label = f"{code} {name}; {complement}"
                gapped = EventCue(code, name, cue.weight, cue.mode, label, complement)
                _add_all(index, "event", cat[key], gapped)
        for governed in cat.get("governed", ()):
            nouns = frozenset(governed["nouns"])
            label = f"{code} {name}; with a noun"
            gapped = EventCue(code, name, cue.weight, cue.mode, label, "with a noun", nouns)
            _add_all(index, "event", governed["verbs"], gapped)
    for direction, verbs in events["pivots"].items():
        _add_all(index, "pivot", verbs, direction)
    for klass, cues in events["objects"].items():
        _add_all(index, "object", cues, klass)
    _add_all(index, "name", events.get("names", {}).get("cues", []), True)
    _add_all(index, "refusal", events["refusals"]["cues"], True)
    _add_all(index, "body", [h.lower() for h in events["bodies"]["heads"]], True)

    _add_all(index, "neg", modality["negation"]["cues"], True)
    _add_all(index, "irrealis", modality["irrealis"]["cues"], True)
    _add_all(index, "background", modality["background"]["cues"], True)
    for phrase, strength in modality["hedge"]["cues"].items():
        index.add("hedge", phrase, float(strength))
    _add_all(index, "certainty", modality["certainty"]["cues"], True)

    classes: dict[str, ClarityCue] = {}
    for name, spec in clarity["classes"].items():
        cc = ClarityCue(name, float(spec["points"]), float(spec["cap"]), str(spec["note"]))
        classes[name] = cc
        _add_all(index, "clarity", spec["cues"], cc)
    for name, note in (
        ("quantity", "quantity"),
        ("timeline", "date or deadline"),
        ("destination", "named destination or counterparty"),
        ("material", "enacted material move"),
    ):
        spec = clarity[name]
        classes[name] = ClarityCue(name, float(spec["points"]), float(spec["cap"]), note)
    # a text's entry into force without a date: the points of an effective date, no timeline
    effective = classes["effective"]
    in_force_note = str(clarity["timeline"]["in_force_note"])
    classes["in_force"] = ClarityCue("in_force", effective.points, effective.cap, in_force_note)
    # a figure in a sentence that names no measure: the points of a quantity, no volumes
    quantity = classes["quantity"]
    figure_note = str(clarity["quantity"]["figure_note"])
    classes["figure"] = ClarityCue("figure", quantity.points, quantity.cap, figure_note)
    # … and a date in such a sentence: the points of a date, no timeline
    timeline = classes["timeline"]
    dated_note = str(clarity["timeline"]["dated_note"])
    classes["dated"] = ClarityCue("dated", timeline.points, timeline.cap, dated_note)
    _add_all(index, "infinitive", clarity["certainty"]["infinitive"]["marks"], True)
    for phrase, strength in clarity["certainty"]["open"]["cues"].items():
        index.add("open", phrase, float(strength))
    # words the group, body and condition readers of sentence.py start from, found by the scan
    speaker = clarity["speaker"]
    for tag, words in (
        ("group", speaker["groups"]),
        ("body", speaker["bodies"]),
        ("opener", clarity["classes"]["conditional"]["before_name"]),
    ):
        _add_all(index, "who", words, tag)
    _add_all(index, "unit", clarity["quantity"]["units"], True)
    _add_all(index, "currency", clarity["quantity"]["currency"], True)
    strong_stems = tuple(clarity["reversion"]["strong"])
    for phrase in clarity["reversion"]["cues"]:
        stem = phrase.split()[0].rstrip("~*")
        strong = stem.startswith(strong_stems)
        index.add("reversion", phrase, strong)

    for code, spec in actors["actors"].items():
        _add_all(index, "actor", spec.get("names", []), ActorCue(code, caps=False))
        _add_all(index, "actor", spec.get("acronyms", []), ActorCue(code, caps=True))
    skip = frozenset(actors.get("countries", {}).get("skip", ()))
    for phrase, code in country_names():
        if phrase.lower() not in skip:
            index.add("actor", phrase, ActorCue(code, caps=False, proper=True))
    for slug, spec in topics["topics"].items():
        _add_all(index, "topic", spec["cues"], slug)

    _add_all(index, "lever", scope["levers"]["cues"], True)
    irregular = events.get("irregular", {})
    policy_verbs = frozenset(
        form
        for verb in scope["policy_verbs"]["verbs"]
        for form in (inflect(verb[:-1], irregular) if verb.endswith("~") else (verb,))
    )
    # out-of-scope frames are read in an item's heading and lead only (scorer.py)
    frame_index = PhraseIndex(events.get("irregular", {}))
    for frame, spec in scope["frames"].items():
        _add_all(frame_index, "frame", spec["cues"], frame)
    frame_index.freeze()
    orgs = scope["organisations"]
    scope_settings = ScopeSettings(
        threshold=float(scope["threshold"]),
        title_weight=float(scope["title_weight"]),
        late_weight=float(scope["late_weight"]),
        decay=float(scope["decay"]),
        frame_penalty=float(scope["frame_penalty"]),
        suffixes=frozenset(orgs["suffixes"]),
        firms=frozenset(orgs["firms"]),
        firm_window=int(orgs["window"]),
        sectors=frozenset(scope["sectors"]["words"]),
        policy_verbs=policy_verbs,
        not_modifiers=frozenset(orgs["not_modifiers"]),
        org_words=frozenset(
            form
            for w in (*orgs["suffixes"], *orgs["firms"])
            for form in (w.replace(".", ""), w.replace(".", "") + ">")  # "Ltd>" ends a <name>
        ),
        reasons={name: str(spec["reason"]) for name, spec in scope["frames"].items()},
    )

    venue: dict[str, list[str]] = actors.get("venue", {})
    index.freeze()
    return Engine(
        index=index,
        frame_index=frame_index,
        pivot_weights={k: float(v) for k, v in events["pivot_weights"].items()},
        restrictive_pivots=tuple(events["pivots_restrictive"]["stems"]),
        negation_window=int(modality["negation"]["window"]),
        irrealis_factor=float(modality["irrealis"]["factor"]),
        irrealis_window=int(modality["irrealis"]["window"]),
        background_factor=float(modality["background"]["factor"]),
        hedge_threshold=float(modality["hedge"]["threshold"]),
        clarity_base=float(clarity["base"]),
        clarity_classes=classes,
        settings=clarity,
        destination_words=frozenset(clarity["destination"]["cues"]),
        market_moves=frozenset(clarity["quantity"].get("moves", ())),
        venue_cities=frozenset(venue.get("cities", ())),
        venue_starts=frozenset(c.split()[0] for c in venue.get("cities", ())),
        venue_before=frozenset(venue.get("before", ())),
        venue_after=frozenset(venue.get("after", ())),
        scope=scope_settings,
    )

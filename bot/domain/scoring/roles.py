"""Who acts on whom: the state that makes a move and the state it is aimed at.

Read from where the actor names stand around the move's cue: the acting state is the nearest actor
before it that is not governed by a preposition ("China imposed …"), or the agent of a passive
("… were imposed by the EU"); the state acted on is the first other actor after it ("… on US
goods", "… with Tokyo"), the other of two joint subjects ("Beijing and Washington agreed …") or,
in a passive, one governed by a preposition before it ("Sanctions on Russia were lifted").
"""

from __future__ import annotations

from typing import Final

from .lexicon import Span, is_acronym, load

_GOVERNING: Final = frozenset(load("settings.toml")["words"]["governing"])
"""Words before an actor that make it something other than the subject of what follows."""


def named_actors(matches: list[Span], raw: list[str]) -> list[Span]:
    """The actor matches that stand: acronyms in capitals, ISO country names with a capital."""
    out: list[Span] = []
    for m in matches:
        _, a, i, j, _ = m
        if a.caps and not all(is_acronym(t) for t in raw[i:j]):
            continue
        if a.proper and not raw[i][:1].isupper():
            continue
        out.append(m)
    return out


def roles(actors: list[Span], i: int, j: int, norms: list[str]) -> tuple[str | None, str | None]:
    """(acting state, state acted on) for the cue at tokens [i, j), as actor codes or None."""
    subject: str | None = None
    governed_before: str | None = None
    partner: str | None = None
    agent: str | None = None
    after: list[str] = []
    for _, cue, ai, aj, _ in actors:
        code: str = cue.code
        prev = norms[ai - 1] if ai else ""
        if prev == "the" and ai > 1:
            prev = norms[ai - 2]  # "by the EU", "on the United States"
        if aj <= i:
            if prev == "and" and subject is not None and code != subject:
                partner = code  # "Beijing and Washington agreed …": each acts on the other
            elif prev in _GOVERNING and ai:
                governed_before = code
            else:
                subject = code
        elif ai >= j:
            if prev == "by" and agent is None:
                agent = code
            else:
                after.append(code)
    actor: str | None
    target: str | None
    if agent is not None:
        actor = agent
        target = governed_before or subject or (_other(after, agent, None) if after else None)
    else:
        actor = subject
        target = partner
        for code in after:  # the first other actor after the cue (``_other``, without a call)
            if code != actor:
                target = code
                break
    if target == actor:
        target = None
    return actor, target


def _other(codes: list[str], actor: str | None, default: str | None) -> str | None:
    """The first of ``codes`` that is not ``actor``, else ``default``."""
    for code in codes:
        if code != actor:
            return code
    return default

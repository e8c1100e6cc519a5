"""The pieces every alert layout shares: the glance line, evidence lines, missing list.

One layout, rendered for Slack, Teams and the terminal from the same assessment (ALERTS.md).
"""

from __future__ import annotations

from datetime import date, datetime

from bot.domain.models import Assessment, Evidence, Item, Label
from bot.domain.scoring import describe_gap
from bot.domain.text import one_line, shorten

DIRECTION_SYMBOL = {
    Label.ESCALATION: "🔺",
    Label.DEESCALATION: "🔻",
    Label.MIXED: "↕",
    Label.NEUTRAL: "·",
}
KIND_EFFECT = {
    "escalation": "escalation",
    "de-escalation": "de-escalation",
    "clarity+": "+clarity",
    "clarity-": "−clarity",
    "relevance": "relevance",
    "reversion": "reversion risk",
}


def direction(assessment: Assessment) -> str:
    """``🔺 +6.5`` — symbol and signed score."""
    score = assessment.escalation
    sign = "+" if score > 0 else ("−" if score < 0 else "±")
    return f"{DIRECTION_SYMBOL[assessment.label]} {sign}{abs(score):.1f}"


def clarity_bar(clarity: int, width: int = 5) -> str:
    filled = min(width, max(0, round(clarity / 100 * width)))
    return "▰" * filled + "▱" * (width - filled)


def clarity(assessment: Assessment) -> str:
    """``clarity ▰▰▱▱▱ 22 · signal``."""
    return f"clarity {clarity_bar(assessment.clarity)} {assessment.clarity} · {assessment.clarity_band}"


def reversion(assessment: Assessment, today: date) -> str:
    """``⏳ tariffs may return 12 Aug 2027 · in 70 days``, or "" when there is no risk."""
    risk = assessment.reversion_risk
    if risk is None:
        return ""
    phrase = shorten(one_line(risk.phrase), 60)
    if risk.date is None:
        return f"⏳ {phrase}"
    days = (risk.date - today).days
    when = "today" if days == 0 else (f"in {days} days" if days > 0 else f"{-days} days ago")
    return f"⏳ {phrase} · {risk.date:%-d %b %Y} · {when}"


def glance(assessment: Assessment, today: date) -> str:
    if not assessment.relevant and assessment.out_of_scope:
        return f"out of scope: {assessment.out_of_scope}"
    parts = [direction(assessment), clarity(assessment)]
    if rev := reversion(assessment, today):
        parts.append(rev)
    return " · ".join(parts)


def actors_line(assessment: Assessment) -> str:
    """The actors, led by who acts on whom in the strongest move ("CN → US · JP")."""
    dyad = assessment.dyad
    if dyad is None or dyad.target is None:
        return " · ".join(assessment.actors[:6])
    rest = [a for a in assessment.actors if a not in (dyad.actor, dyad.target)]
    return " · ".join([f"{dyad.actor} → {dyad.target}", *rest[:4]])


def source_line(item: Item, assessment: Assessment) -> str:
    """Who published the item: ``official · Federal Register · Rule`` for an official
    instrument, else the outlet's name."""
    if assessment.source_weight is not None:
        return str(assessment.source_weight)
    return item.source or item.feed


def topics_line(assessment: Assessment) -> str:
    return ", ".join(assessment.topics[:6])


def missing_line(assessment: Assessment, limit: int = 6) -> str:
    """``no volumes · conditional on talks making progress``."""
    return " · ".join(describe_gap(g) for g in assessment.missing[:limit])


def evidence_line(evidence: Evidence, limit: int = 90) -> str:
    """``"symbolic concessions" −clarity (−12)``."""
    effect = KIND_EFFECT.get(evidence.kind, evidence.kind)
    line = f"“{shorten(one_line(evidence.cue), limit)}” {effect} ({evidence.contribution:+.1f})"
    if evidence.actor and evidence.target:
        line += f" · {evidence.actor} → {evidence.target}"
    elif evidence.actor:
        line += f" · by {evidence.actor}"
    return line


def top_evidence(assessment: Assessment, n: int = 3) -> list[Evidence]:
    return sorted(assessment.evidence, key=lambda e: -abs(e.contribution))[:n]


def fallback_text(title: str, assessment: Assessment) -> str:
    """What a phone notification shows: ``🔺 +6.5 · signal · China approves some…``."""
    return f"{direction(assessment)} · {assessment.clarity_band} · {shorten(one_line(title), 120)}"


def when_text(published: datetime | None) -> str:
    return f"{published:%-d %b %Y %H:%M} UTC" if published else "time unknown"

"""What changed between two items of one story: the lead line of a thread reply."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

from bot.domain.models import Assessment, ClarityBand
from bot.domain.scoring import gap_given
from bot.domain.text import one_line, shorten

ESCALATION_STEP = 1.0  # smaller moves of the score are not worth a line
CLARITY_STEP = 10


class FollowUp(BaseModel):
    """A later item of a story: what changed since the story's previous item."""

    model_config = ConfigDict(frozen=True)

    story_title: str
    changes: tuple[str, ...]
    material: bool = False

    def lead(self) -> str:
        return " · ".join(self.changes) if self.changes else "no change in the ratings"


def compare(story_title: str, previous: Assessment, current: Assessment) -> FollowUp:
    """The changes a reader of the thread should see first.

    Material (also announced at top level): the label flips, or clarity crosses into commitment.
    """
    changes: list[str] = []
    material = False
    if previous.label != current.label:
        changes.append(f"label flipped: {previous.label} → {current.label}")
        material = True
    delta = current.escalation - previous.escalation
    if abs(delta) >= ESCALATION_STEP:
        changes.append(f"escalation {previous.escalation:+.1f} → {current.escalation:+.1f}")
    if abs(current.clarity - previous.clarity) >= CLARITY_STEP:
        changes.append(f"clarity {previous.clarity} → {current.clarity}")
    if (
        current.clarity_band == ClarityBand.COMMITMENT
        and previous.clarity_band != ClarityBand.COMMITMENT
    ):
        changes.append("now a commitment")
        material = True
    resolved = [m for m in previous.missing if m not in current.missing]
    changes.extend(gap_given(m) for m in resolved[:3])
    if current.reversion_risk and current.reversion_risk != previous.reversion_risk:
        when = f" ({current.reversion_risk.date:%-d %b %Y})" if current.reversion_risk.date else ""
        changes.append(
            f"reversion risk: {shorten(one_line(current.reversion_risk.phrase), 60)}{when}"
        )
    return FollowUp(
        story_title=shorten(one_line(story_title), 150), changes=tuple(changes), material=material
    )

"""Alerts rendered in the terminal with rich: the same content as the Slack alert."""

from __future__ import annotations

from rich.console import Console, Group
from rich.panel import Panel
from rich.text import Text

from bot.domain.models import Assessment, Item, Label
from bot.ports import Alert, Clock, Notice
from bot.render import glance

_STYLE = {
    Label.ESCALATION: "red",
    Label.DEESCALATION: "green",
    Label.MIXED: "yellow",
    Label.NEUTRAL: "grey50",
}


def alert_panel(item: Item, assessment: Assessment, clock: Clock) -> Panel:
    """A rich renderable for one alert. Text objects are used throughout: feed text is never
    interpreted as console markup."""
    style = _STYLE[assessment.label]
    lines: list[Text] = [
        Text(glance.glance(assessment, clock.now().date()), style=f"bold {style}"),
        Text(
            " · ".join(
                p
                for p in (
                    glance.source_line(item, assessment),
                    glance.when_text(item.published),
                    glance.actors_line(assessment),
                    glance.topics_line(assessment),
                )
                if p
            ),
            style="dim",
        ),
    ]
    if assessment.summary:
        lines.append(Text(assessment.summary))
    if missing := glance.missing_line(assessment):
        lines.append(Text.assemble(("Missing for a commitment: ", "bold"), missing))
    for evidence in glance.top_evidence(assessment):
        lines.append(Text("• " + glance.evidence_line(evidence), style="italic"))
    if item.link:
        lines.append(Text(item.link, style="blue underline"))
    return Panel(
        Group(*lines),
        title=Text(item.title or "(untitled)", style="bold"),
        title_align="left",
        border_style=style,
    )


class ConsoleNotifier:
    """Implements ``bot.ports.Notifier`` by printing to the terminal."""

    def __init__(self, console: Console, clock: Clock) -> None:
        self._console = console
        self._clock = clock

    async def send(self, alert: Alert) -> str:
        if alert.followup is not None:
            lead = Text.assemble(
                ("↳ " + alert.followup.lead(), "bold"),
                (f"  (story: {alert.followup.story_title})", "dim"),
            )
            self._console.print(lead)
        self._console.print(alert_panel(alert.item, alert.assessment, self._clock))
        return ""

    async def send_notice(self, notice: Notice) -> str:
        lines: list[Text] = []
        for line in notice.lines:
            rating = (
                f"{glance.direction(line.assessment)} · {line.assessment.clarity_band} · "
                if line.assessment
                else ""
            )
            lines.append(Text(f"• {rating}{line.text}" + (f"  {line.link}" if line.link else "")))
        if notice.image_png:
            lines.append(
                Text(
                    f"[chart: {notice.image_title or 'image'}, {len(notice.image_png):,} bytes — shown in Slack and Teams]",
                    style="dim",
                )
            )
        self._console.print(
            Panel(
                Group(*lines) if lines else Text(""),
                title=Text(notice.title, style="bold"),
                title_align="left",
            )
        )
        return ""

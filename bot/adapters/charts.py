"""The digest chart: the escalation index per topic over the period, as a PNG for Slack and Teams.

One line per topic, the zero line marked, readable on a phone: a digest is usually glanced at in a
notification, where a 1000-pixel image is shown at about a third of its size. Hence large type,
thick lines, few date ticks, and a legend below the plot rather than over the lines.

Colour is never the only carrier of meaning (ALERTS.md): each topic has its own colour from the
Okabe–Ito colour-blind-safe palette, its own line style and its own marker, and the two halves of
the y axis are labelled "escalation" and "de-escalation" in words.

Rendering uses matplotlib's object API (``Figure`` + the Agg canvas) and never pyplot, so there is
no global figure state and charts can be drawn from several threads at once. matplotlib is
imported on the first chart, not with this module: commands that draw none never pay for it.
"""

from __future__ import annotations

import os
import sys
import tempfile
from datetime import datetime
from io import BytesIO
from pathlib import Path


def _ensure_matplotlib_dirs() -> None:
    """Point matplotlib at a private temporary directory when its config or cache directory is
    not writable (a read-only home in a container); otherwise it warns on every start. Only
    matters before matplotlib is first imported."""
    if "MPLCONFIGDIR" in os.environ or "matplotlib" in sys.modules:
        return
    try:
        home = Path.home()
    except RuntimeError:
        home = None
    candidates = []
    if home is not None:
        candidates = [
            Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config") / "matplotlib",
            Path(os.environ.get("XDG_CACHE_HOME") or home / ".cache") / "matplotlib",
        ]
    try:
        for directory in candidates:
            directory.mkdir(parents=True, exist_ok=True)
        if candidates and all(os.access(d, os.W_OK) for d in candidates):
            return
    except OSError:
        pass
    os.environ["MPLCONFIGDIR"] = tempfile.mkdtemp(prefix="signalbot-matplotlib-")


Y_LIMIT = 10.0
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
"""Okabe–Ito colours, the yellow left out (too faint on white)."""
LINE_STYLES: tuple[str | tuple[int, tuple[int, ...]], ...] = (
    "-",
    "--",
    ":",
    "-.",
    (0, (6, 2, 1, 2, 1, 2)),
    (0, (1, 1)),
    (0, (8, 3)),
)
MARKERS = ("o", "s", "^", "D", "v", "P", "X")
MAX_LABEL = 28


def _label(topic: str) -> str:
    """A legend label: shortened, with "$" escaped (no mathtext from feed data) and no leading
    underscore (matplotlib hides such labels)."""
    text = topic if len(topic) <= MAX_LABEL else topic[: MAX_LABEL - 1] + "…"
    text = text.replace("$", r"\$")
    return f" {text}" if text.startswith("_") else text


def render_escalation_chart(
    series: dict[str, list[tuple[datetime, float]]],
    *,
    title: str,
    width_px: int = 1000,
    height_px: int = 600,
) -> bytes:
    """The digest chart as PNG bytes, exactly ``width_px`` × ``height_px`` pixels.

    ``series`` maps each topic to its (time, escalation index) points, as made by
    ``bot.domain.trends.escalation_index``; topics are drawn in the given order. With no points at
    all, the same frame is drawn with "No data for this period" in the middle.
    """
    if width_px < 200 or height_px < 150:
        raise ValueError("chart too small to read")
    _ensure_matplotlib_dirs()
    from matplotlib import dates as mdates
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    dpi = width_px / 10  # a 10-inch-wide figure: type sizes below are in points of that figure
    fig = Figure(figsize=(10, height_px / dpi), dpi=dpi, layout="constrained")
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()

    ax.set_title(title.replace("$", r"\$"), fontsize=22, fontweight="bold", loc="left", pad=12)
    ax.set_ylim(-Y_LIMIT, Y_LIMIT)
    ax.set_yticks([-10, -5, 0, 5, 10])
    ax.set_yticklabels(["−10", "−5", "0", "+5", "+10"])
    ax.set_ylabel("escalation index", fontsize=18)
    ax.tick_params(axis="both", labelsize=16, length=6, width=1.5)
    ax.grid(axis="y", color="#d0d0d0", linewidth=1)
    ax.axhline(0, color="black", linewidth=2.5, zorder=2)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.text(
        0.01, 0.97, "▲ escalation", transform=ax.transAxes, fontsize=14, color="#555555", va="top"
    )
    ax.text(0.01, 0.03, "▼ de-escalation", transform=ax.transAxes, fontsize=14, color="#555555")

    drawn = [(topic, points) for topic, points in series.items() if points]
    if not drawn:
        ax.text(
            0.5,
            0.5,
            "No data for this period",
            transform=ax.transAxes,
            fontsize=22,
            color="#555555",
            ha="center",
            va="center",
            bbox={"facecolor": "white", "edgecolor": "#bbbbbb", "boxstyle": "round,pad=0.6"},
            zorder=4,
        )
        ax.set_xticks([])
    else:
        for i, (topic, points) in enumerate(drawn):
            times = [when for when, _ in sorted(points)]
            values = [max(-Y_LIMIT, min(Y_LIMIT, value)) for _, value in sorted(points)]
            ax.plot(
                times,  # type: ignore[arg-type]  # matplotlib converts datetimes itself
                values,
                label=_label(topic),
                color=PALETTE[i % len(PALETTE)],
                linestyle=LINE_STYLES[i % len(LINE_STYLES)],
                marker=MARKERS[i % len(MARKERS)],
                linewidth=3.5,
                markersize=10,
                markeredgecolor="white",
                markeredgewidth=1.2,
                zorder=3,
            )
        # Few ticks, day-month labels and the year once: legible at a third of the size.
        locator = mdates.AutoDateLocator(minticks=3, maxticks=8)  # type: ignore[no-untyped-call]
        formatter = mdates.ConciseDateFormatter(  # type: ignore[no-untyped-call]
            locator,
            formats=["%Y", "%b", "%d %b", "%H:%M", "%H:%M", "%S"],
            zero_formats=["", "%b %Y", "%d %b", "%d %b", "%H:%M", "%H:%M"],
            offset_formats=["", "%Y", "%Y", "%d %b %Y", "%d %b %Y", "%d %b %Y %H:%M"],
        )
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(formatter)
        ax.xaxis.get_offset_text().set_fontsize(14)
        fig.legend(
            loc="outside lower center",
            ncols=min(3, len(drawn)),
            fontsize=16,
            frameon=False,
            handlelength=3.5,
        )

    buffer = BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()

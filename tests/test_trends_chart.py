"""The digest chart: escalation index maths and the PNG it is drawn into."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from io import BytesIO

import pytest
from matplotlib import image as mpimg

from bot.adapters.charts import render_escalation_chart
from bot.domain.trends import escalation_index

START = datetime(2026, 5, 18, tzinfo=UTC)
END = START + timedelta(days=3)
DAY = timedelta(days=1)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def at(days: float) -> datetime:
    return START + timedelta(days=days)


def test_mean_per_topic_per_bucket() -> None:
    points = [
        (at(0.1), ["tariffs"], 2.0),
        (at(0.9), ["tariffs"], 6.0),
        (at(1.5), ["tariffs"], -3.0),
        (at(2.2), ["tariffs", "sanctions"], 5.0),
        (at(2.3), ["sanctions"], 7.0),
    ]
    series = escalation_index(points, start=START, end=END, bucket=DAY)
    assert series == {
        "tariffs": [(at(0), 4.0), (at(1), -3.0), (at(2), 5.0)],
        "sanctions": [(at(2), 6.0)],
    }


def test_empty_buckets_are_skipped_not_zero() -> None:
    points = [(at(0.5), ["tariffs"], 8.0), (at(2.5), ["tariffs"], 6.0)]
    series = escalation_index(points, start=START, end=END, bucket=DAY)
    assert series["tariffs"] == [(at(0), 8.0), (at(2), 6.0)]


def test_top_topics_by_item_count_ties_by_name() -> None:
    points = [
        *[(at(0.1), ["tariffs"], 1.0)] * 4,
        *[(at(0.2), ["sanctions"], 1.0)] * 3,
        *[(at(0.3), ["antitrust"], 1.0)] * 2,
        *[(at(0.4), ["visas"], 1.0)] * 2,
        (at(0.5), ["shipping"], 1.0),
    ]
    series = escalation_index(points, start=START, end=END, bucket=DAY, top_topics=3)
    assert list(series) == ["tariffs", "sanctions", "antitrust"]
    assert escalation_index(points, start=START, end=END, bucket=DAY, top_topics=0) == {}


def test_points_outside_the_period_and_without_topics_are_ignored() -> None:
    points = [
        (START - timedelta(seconds=1), ["tariffs"], 9.0),
        (END, ["tariffs"], 9.0),
        (at(1), [], 9.0),
        (at(1), ["", "tariffs", "tariffs"], -2.0),
    ]
    series = escalation_index(points, start=START, end=END, bucket=DAY)
    assert series == {"tariffs": [(at(1), -2.0)]}


def test_last_bucket_may_be_partial_and_scores_are_clamped() -> None:
    end = START + timedelta(hours=30)
    points = [(START + timedelta(hours=29), ["tariffs"], 25.0)]
    assert escalation_index(points, start=START, end=end, bucket=DAY) == {
        "tariffs": [(at(1), 10.0)]
    }


def test_no_points_gives_no_series() -> None:
    assert escalation_index([], start=START, end=END, bucket=DAY) == {}


@pytest.mark.parametrize(("end", "bucket"), [(START, DAY), (END, timedelta(0)), (END, -DAY)])
def test_bad_period_is_rejected(end: datetime, bucket: timedelta) -> None:
    with pytest.raises(ValueError, match="must be"):
        escalation_index([], start=START, end=end, bucket=bucket)


def _read_png(data: bytes) -> tuple[int, int]:
    assert data.startswith(PNG_SIGNATURE)
    pixels = mpimg.imread(BytesIO(data), format="png")
    height, width = pixels.shape[:2]
    return width, height


def _example() -> dict[str, list[tuple[datetime, float]]]:
    return {
        "tariffs": [(at(0), -1.5), (at(1), 2.0), (at(2), 5.5)],
        "rare-earths": [(at(0), 1.0), (at(2), -4.0)],
        "sanctions": [(at(1), 7.0)],
        "$pecial_topic with a very long name indeed": [(at(0), 0.0), (at(1), 12.0)],
        "_hidden?": [(at(2), -9.0)],
    }


def test_chart_is_a_png_of_the_requested_size() -> None:
    assert _read_png(render_escalation_chart(_example(), title="Escalation index")) == (1000, 600)
    small = render_escalation_chart(_example(), title="Week", width_px=600, height_px=400)
    assert _read_png(small) == (600, 400)


def test_empty_input_renders_a_no_data_chart() -> None:
    assert _read_png(render_escalation_chart({}, title="Escalation index")) == (1000, 600)
    assert _read_png(render_escalation_chart({"tariffs": []}, title="x")) == (1000, 600)


def test_chart_draws_something_different_for_data_and_no_data() -> None:
    with_data = render_escalation_chart(_example(), title="Escalation index")
    without = render_escalation_chart({}, title="Escalation index")
    assert with_data != without


def test_too_small_a_chart_is_refused() -> None:
    with pytest.raises(ValueError, match="too small"):
        render_escalation_chart(_example(), title="x", width_px=100, height_px=80)


def test_charts_can_be_drawn_from_several_threads() -> None:
    with ThreadPoolExecutor(max_workers=4) as pool:
        images = list(
            pool.map(lambda i: render_escalation_chart(_example(), title=f"#{i}"), range(4))
        )
    assert all(_read_png(png) == (1000, 600) for png in images)


def test_example_chart_is_written_for_review(tmp_path_factory: pytest.TempPathFactory) -> None:
    points = [
        (at(day + 0.3), [topic], value + day * slope)
        for day in range(3)
        for topic, value, slope in [("tariffs", 1.0, 2.0), ("rare-earths", 0.0, -2.5)]
    ]
    series = escalation_index(points, start=START, end=END, bucket=DAY)
    png = render_escalation_chart(series, title="Escalation index · 18–20 May")
    out = tmp_path_factory.mktemp("charts") / "digest-chart.png"
    out.write_bytes(png)
    assert _read_png(out.read_bytes()) == (1000, 600)

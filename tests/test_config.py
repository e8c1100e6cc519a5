from datetime import timedelta
from pathlib import Path

import pytest

from bot.adapters.config_file import embedded_defaults, load_config
from bot.domain.config import Destination
from bot.domain.durations import parse_duration
from bot.errors import ConfigError


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "signalbot.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_durations_accept_units_and_plain_seconds() -> None:
    assert parse_duration("15m") == timedelta(minutes=15)
    assert parse_duration("2h") == timedelta(hours=2)
    assert parse_duration(90) == timedelta(seconds=90)
    with pytest.raises(ValueError, match="duration"):
        parse_duration("soon")


def test_a_valid_file_loads_feeds_routes_and_polling(tmp_path: Path) -> None:
    config = load_config(
        write(
            tmp_path,
            """
feeds:
  - {name: wire, url: "https://wire.example.org/rss", interval: 30m, tags: [trade]}
polling: {interval: 10m, backlog: 3}
routes:
  - {name: desk, to: "slack:C0123", topics: [tariffs], actors: [us, cn], min_escalation: 3,
     clarity: [commitment], labels: [escalation]}
""",
        )
    )
    assert config.feeds[0].interval == timedelta(minutes=30)
    assert config.polling.backlog == 3
    route = config.routes[0]
    assert route.to == Destination(platform="slack", target="C0123")
    assert route.actors == ("US", "CN")


def test_every_problem_is_reported_with_its_key_path(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
feeds:
  - {name: wire, url: "ftp://wire.example.org/rss"}
  - {name: "bad name!", url: "https://x.example.org/", interval: soon}
routes:
  - {name: desk, to: "pager:123", clarity: [certain]}
""",
    )
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    paths = [p for p, _ in caught.value.problems]
    assert "feeds[0].url" in paths
    assert "feeds[1].name" in paths
    assert "feeds[1].interval" in paths
    assert "routes[0].to" in paths
    assert any(p.startswith("routes[0].clarity") for p in paths)


def test_yaml_syntax_errors_name_the_line(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "feeds:\n  - name: a\n   url: [\n"))
    assert "line" in caught.value.problems[0][0]


def test_yaml_that_would_build_python_objects_is_refused(tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, f"feeds: !!python/object/apply:os.system ['touch {marker}']\n"))
    assert not marker.exists()


def test_unknown_keys_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(write(tmp_path, "feeds: []\nrouts: []\n"))
    assert caught.value.problems[0][0] == "routs"


def test_embedded_defaults_watch_the_bundled_samples_and_print_to_console() -> None:
    config = embedded_defaults()
    assert len(config.feeds) == 3
    assert all(f.url.startswith("file://") for f in config.feeds)
    assert [str(r.to) for r in config.routes] == ["console"]


def test_the_documented_example_config_is_valid() -> None:
    example = Path(__file__).resolve().parents[1] / "deploy" / "signalbot.example.yaml"
    config = load_config(example)
    assert config.routes[1].quiet_hours is not None
    assert config.routes[1].digest is not None
    assert config.chat.admins == ("U0123ABCD",)

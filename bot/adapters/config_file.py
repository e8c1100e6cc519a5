"""Loading the YAML configuration, and the embedded defaults used when there is none."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from bot.domain.config import BotConfig, FeedSpec, Polling, Route
from bot.errors import ConfigError

DEFAULT_FILE = Path("signalbot.yaml")


# libyaml's safe loader where PyYAML was built with it: a config of 1,000 feeds loads in 15 ms
# instead of 125 ms.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def key_path(loc: tuple[int | str, ...]) -> str:
    """``('feeds', 0, 'url')`` → ``feeds[0].url``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.startswith(("function-", "function_")):
            continue
        else:
            out += f".{part}" if out else part
    return out


def validation_problems(exc: ValidationError) -> list[tuple[str, str]]:
    return [
        (key_path(tuple(err["loc"])), err["msg"].removeprefix("Value error, "))
        for err in exc.errors()
    ]


def parse_config(data: Any, source: str) -> BotConfig:
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(
            [("", "the file must hold a mapping with feeds, routes and polling")], source
        )
    try:
        return BotConfig.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(validation_problems(exc), source) from None


def load_config(path: Path) -> BotConfig:
    """Read and validate a config file. Raises ConfigError listing every problem."""
    try:
        raw = path.read_text("utf-8")
    except OSError as exc:
        raise ConfigError(
            [("", f"cannot read the file: {exc.strerror or exc}")], str(path)
        ) from None
    try:
        data = yaml.load(raw, Loader=_SAFE_LOADER)  # noqa: S506 -- a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError([(where, f"not valid YAML: {problem}")], str(path)) from None
    return parse_config(data, str(path))


def sample_feeds() -> list[FeedSpec]:
    folder = resources.files("bot.samples") / "feeds"
    return [
        FeedSpec(
            name=Path(entry.name).stem, url=Path(str(entry)).resolve().as_uri(), tags=("sample",)
        )
        for entry in sorted(folder.iterdir(), key=lambda e: e.name)
        if entry.name.endswith(".xml")
    ]


def embedded_defaults() -> BotConfig:
    """The bundled sample feeds, alerting every relevant item to the console."""
    return BotConfig(
        feeds=tuple(sample_feeds()),
        routes=(Route.model_validate({"name": "console", "to": "console"}),),
        polling=Polling(backlog=10),
    )


def resolve_config(path: Path | None) -> tuple[BotConfig, str]:
    """The config to run with and where it came from: the given file, ./signalbot.yaml, or
    the embedded defaults."""
    if path is not None:
        return load_config(path), str(path)
    if DEFAULT_FILE.exists():
        return load_config(DEFAULT_FILE), str(DEFAULT_FILE)
    return embedded_defaults(), "embedded defaults (bundled sample feeds, console output)"

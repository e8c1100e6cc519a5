"""The Slack app manifest asks for exactly what the code uses."""

from pathlib import Path

import yaml

from bot.domain.config import ChatConfig
from handlers.slack import EVENTS, SCOPES

MANIFEST = Path(__file__).resolve().parents[1] / "deploy" / "slack" / "manifest.yaml"


def test_manifest_command_events_scopes_and_interactivity_match_the_code() -> None:
    manifest = yaml.safe_load(MANIFEST.read_text())
    [command] = manifest["features"]["slash_commands"]
    assert command["command"] == ChatConfig().command
    assert command["url"].endswith("/slack/events")
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")
    assert manifest["features"]["app_home"]["home_tab_enabled"] is True
    assert tuple(manifest["settings"]["event_subscriptions"]["bot_events"]) == EVENTS
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == SCOPES


def test_readme_names_every_scope_the_manifest_asks_for() -> None:
    readme = (MANIFEST.parents[2] / "README.md").read_text()
    numbers = dict(
        enumerate(
            ["three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"], 3
        )
    )
    assert f"asks for exactly {numbers[len(SCOPES)]} scopes" in readme
    for scope in SCOPES:
        assert f"`{scope}`" in readme

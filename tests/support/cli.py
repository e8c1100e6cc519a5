"""Running ``signalbot`` as a user does: a real config file, the CLI through click's runner, a
loopback Slack stand-in, and the state database it leaves behind."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from click.testing import CliRunner, Result

from bot.cli import main
from tests.support.servers import SlackStandIn

# Variables that would make a test depend on the machine it runs on.
_CLEARED = (
    "SIGNALBOT_CONFIG",
    "SIGNALBOT_DATABASE_URL",
    "SIGNALBOT_PORT",
    "SIGNALBOT_PUBLIC_URL",
    "SIGNALBOT_FETCH_ALLOW",
    "SLACK_SIGNING_SECRET",
    "SLACK_APP_TOKEN",
    "TEAMS_OUTGOING_TOKEN",
    "TEAMS_APP_ID",
    "TEAMS_APP_PASSWORD",
    "TEAMS_TENANT_ID",
)


@dataclass
class Bot:
    """One user's installation: a folder with a config file and a state directory."""

    folder: Path
    slack: SlackStandIn

    @property
    def config_file(self) -> Path:
        return self.folder / "signalbot.yaml"

    @property
    def data_dir(self) -> Path:
        return self.folder / "data"

    def write_config(self, config: dict[str, Any] | str) -> Path:
        text = config if isinstance(config, str) else yaml.safe_dump(config, sort_keys=False)
        self.config_file.write_text(text, encoding="utf-8")
        return self.config_file

    def run(self, *args: str, **environ: str) -> Result:
        """``signalbot ARGS`` with this installation's environment (plus ``environ``)."""
        env: dict[str, str | None] = dict.fromkeys(_CLEARED)
        env |= {
            "SIGNALBOT_DATA_DIR": str(self.data_dir),
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_API_URL": self.slack.base,
            **environ,
        }
        return CliRunner().invoke(main, list(args), env=env)

    def poll(self, config: dict[str, Any] | str, *extra: str, **environ: str) -> Result:
        """``signalbot poll --config FILE`` with this config."""
        return self.run("poll", "--config", str(self.write_config(config)), *extra, **environ)

    def rows(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.data_dir / "signalbot.db") as db:
            return list(db.execute(sql, params).fetchall())

    def feed_state(self, name: str) -> dict[str, Any]:
        (row,) = self.rows("SELECT state FROM feed_state WHERE name = ?", name)
        state: dict[str, Any] = json.loads(row[0])
        return state

    def posts(self, channel: str) -> list[dict[str, Any]]:
        return [p for p in self.slack.posts() if p.get("channel") == channel]

    def top_level(self, channel: str) -> list[dict[str, Any]]:
        return [p for p in self.posts(channel) if not p.get("thread_ts")]


def texts(posts: list[dict[str, Any]]) -> str:
    return "\n".join(str(p.get("text", "")) for p in posts)

"""Hostile inbound requests against the bot's web routes, and secrets in what it says.

python bench/faults/inbound.py

Starts the bot's web server on loopback (Slack HTTP mode, Teams outgoing webhook, Teams bot),
sends 28 hostile requests (``hostile_inbound.py``) and prints how each was answered, the number of
5xx answers, whether replayed requests were processed once, and whether a Teams webhook secret
shows up in the logs, the App Home view or chat replies.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic import SecretStr

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.faults.hostile_inbound import SLACK_SECRET, TEAMS_TOKEN, hostile_requests
from bot.app import build_app, inbound
from bot.domain.config import BotConfig
from bot.settings import Settings
from tests.support.servers import recorder_server, slack_server


@dataclass
class InboundResult:
    answers: list[tuple[str, int]] = field(default_factory=list)
    replays_processed: dict[str, int] = field(default_factory=dict)

    @property
    def server_errors(self) -> int:
        return sum(1 for _, status in self.answers if status >= 500)

    def summary(self) -> str:
        by_class = Counter(f"{status // 100}xx" for _, status in self.answers)
        lines = [f"{name:48} {status}" for name, status in self.answers]
        lines.append(
            f"{len(self.answers)} hostile requests: "
            + ", ".join(f"{n} × {k}" for k, n in sorted(by_class.items()))
            + f" · {self.server_errors} × 5xx"
        )
        lines.append(
            "replays: "
            + ", ".join(f"{k} processed {n}×" for k, n in self.replays_processed.items())
        )
        return "\n".join(lines)


async def run_inbound(tmp: Path) -> InboundResult:
    result = InboundResult()
    with slack_server() as slack, recorder_server() as responses:
        settings = Settings(
            SLACK_BOT_TOKEN=SecretStr("xoxb-fault"),
            SLACK_SIGNING_SECRET=SecretStr(SLACK_SECRET),
            SLACK_API_URL=slack.base,
            SIGNALBOT_DATA_DIR=tmp / "data",
            TEAMS_OUTGOING_TOKEN=SecretStr(TEAMS_TOKEN),
            TEAMS_APP_ID="00000000-0000-0000-0000-000000000001",
            TEAMS_APP_PASSWORD=SecretStr("fault-password"),
            TEAMS_TENANT_ID="00000000-0000-0000-0000-000000000002",
        )
        config = BotConfig.model_validate({"chat": {"admins": ["UFAULT"]}})
        async with build_app(settings, config) as app, inbound(app, 0) as port:
            base = f"http://127.0.0.1:{port}"
            async with httpx.AsyncClient(timeout=10) as client:
                for probe in hostile_requests(responses.base + "/response"):
                    sends = 2 if probe.replay_of else 1
                    before = len(responses.received)
                    status = 0
                    for _ in range(sends):
                        response = await client.post(
                            base + probe.path, content=probe.body, headers=probe.headers
                        )
                        status = response.status_code
                    if probe.replay_of:
                        await asyncio.sleep(1.0)  # the answer goes to response_url after the ack
                        result.replays_processed[probe.replay_of] = len(responses.received) - before
                    result.answers.append((probe.name, status))
    return result


def main() -> None:
    logging.basicConfig(level=logging.CRITICAL)
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run_inbound(Path(tmp)))
    print(result.summary())


if __name__ == "__main__":
    main()

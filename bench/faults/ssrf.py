"""Redirects into private networks: `feeds add`, `analyze` and the poll of a chat-added feed.

python bench/faults/ssrf.py

A loopback server reachable by the name ``localhost`` (allowed, as an intranet would be through
SIGNALBOT_FETCH_ALLOW) redirects to loopback, private, link-local and IPv6 / IPv4-mapped forms
of them, which the allow-list does not cover. Every attempt must be refused without any request
reaching the private target. Prints each attempt and the share refused.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bot.app import build_app
from bot.domain.config import BotConfig, Destination
from bot.services.chat import Reply
from bot.settings import Settings
from tests.support.feeds import TARIFF_TEXT, TARIFF_TITLE, rss, rss_item
from tests.support.servers import FeedServer, feed_server

PRIVATE_FORMS = (
    "http://127.0.0.1:{port}/target",
    "http://[::1]:{port}/target",
    "http://[::ffff:127.0.0.1]:{port}/target",
    "http://[::ffff:7f00:1]:{port}/target",
    "http://127.1:{port}/target",
    "http://2130706433:{port}/target",
    "http://0.0.0.0:{port}/target",
    "http://localhost.:{port}/target",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.0.0.1/target",
    "http://[fd00::1]/target",
)


@dataclass
class SsrfResult:
    attempts: list[tuple[str, bool, str]] = field(default_factory=list)  # what, refused, answer
    target_hits: int = 0

    @property
    def refused(self) -> int:
        return sum(1 for _, ok, _ in self.attempts if ok)

    def summary(self) -> str:
        lines = [
            f"{'refused' if ok else 'ACCEPTED':9} {what}: {answer}"
            for what, ok, answer in self.attempts
        ]
        lines.append(
            f"{self.refused} of {len(self.attempts)} redirect-to-private attempts refused "
            f"({100 * self.refused / max(1, len(self.attempts)):.0f} %); "
            f"requests that reached the private target: {self.target_hits}"
        )
        return "\n".join(lines)


def _plant(feeds: FeedServer, name: str, location: str) -> str:
    """A path on the allowed host that redirects to ``location``; returns it by host name."""
    feeds.set(f"/{name}", b"", status=302, headers={"Location": location})
    return feeds.base.replace("127.0.0.1", "localhost") + f"/{name}"


async def run_ssrf(tmp: Path) -> SsrfResult:
    result = SsrfResult()
    feed = rss([rss_item("s1", TARIFF_TITLE, TARIFF_TEXT)])
    with feed_server() as feeds:
        port = feeds.base.rsplit(":", 1)[-1]
        feeds.set("/target", feed)
        feeds.set("/ok", feed)
        settings = Settings(SIGNALBOT_DATA_DIR=tmp / "data", SIGNALBOT_FETCH_ALLOW="localhost")
        async with build_app(settings, BotConfig()) as app:
            here = Destination(platform="slack", target="C0SSRF")

            async def ask(text: str) -> tuple[bool, str]:
                command = app.chat.parse(text)
                assert not isinstance(command, Reply), command.text
                reply = await app.chat.execute(
                    command, user="UADMIN", destination=here, is_admin=True
                )
                return reply.error, reply.text

            for n, form in enumerate(PRIVATE_FORMS):
                location = form.format(port=port)
                hop = _plant(feeds, f"r{n}", location)
                refused, answer = await ask(f"feeds add {hop} r{n}")
                result.attempts.append((f"feeds add → {location}", refused, answer[:110]))
                refused, answer = await ask(f"analyze {hop}")
                result.attempts.append((f"analyze → {location}", refused, answer[:110]))
            chain = _plant(feeds, "c2", f"http://127.0.0.1:{port}/target")
            chain = _plant(feeds, "c1", chain)
            refused, answer = await ask(f"feeds add {chain} chain")
            result.attempts.append(
                ("feeds add → localhost → localhost → 127.0.0.1", refused, answer[:110])
            )
            # A feed accepted while it was harmless, that later redirects into the host.
            feeds.set("/later", feed)
            url = feeds.base.replace("127.0.0.1", "localhost") + "/later"
            error, answer = await ask(f"feeds add {url} later")
            assert not error, answer
            feeds.set(
                "/later", b"", status=302, headers={"Location": f"http://127.0.0.1:{port}/target"}
            )
            report = await app.poller.poll_once(only_due=False)
            outcome = next(o for o in report.outcomes if o.feed == "later")
            result.attempts.append(
                (
                    "poll of a chat-added feed → 127.0.0.1",
                    bool(outcome.error),
                    str(outcome.error)[:110],
                )
            )
            result.target_hits = feeds.hits("/target")
    return result


def main() -> None:
    logging.getLogger().addHandler(logging.NullHandler())  # figures only, no log lines
    with tempfile.TemporaryDirectory() as tmp:
        result = asyncio.run(run_ssrf(Path(tmp)))
    print(result.summary())


if __name__ == "__main__":
    main()

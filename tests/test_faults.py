"""The fault suite's fast versions: hostile feeds in one cycle through ``signalbot poll --once``,
redirects into private networks, hostile inbound requests and webhook secrets."""

from __future__ import annotations

from pathlib import Path

from bench.faults.fetch import DATED, run_cycle
from bench.faults.inbound import run_inbound
from bench.faults.ssrf import run_ssrf

FAST_KINDS = (
    "trickle",
    "never-answers",
    "gzip-bomb",
    "429-retry-after-3600",
    "503-always",
    "redirect-loop",
    "malformed-xml",
    "huge-declared",
)


async def test_a_healthy_feed_is_alerted_while_hostile_feeds_are_still_being_fetched(
    tmp_path: Path,
) -> None:
    figures = await run_cycle(
        tmp_path, timeout_s=4, bomb_mb=50, trickle_every_s=1.0, kinds=FAST_KINDS
    )
    assert figures.alert_latency_s is not None, figures.summary  # the alert reached Slack
    assert figures.hostile_open_at_alert >= 1  # … before the slowest feeds were given up
    assert figures.exit_code == 0
    # every hostile feed failed but the malformed one, whose one readable item feedparser keeps
    assert f"{len(FAST_KINDS) - 1} failed" in figures.summary
    assert figures.dated_items == len(DATED)  # "01.03.2026" costs no item
    assert figures.hits_429 == 1  # Retry-After: 3600 moves the next poll instead of blocking
    assert figures.hits_429_next_poll == 0  # and poll --once respects it


async def test_every_redirect_into_a_private_network_is_refused(tmp_path: Path) -> None:
    result = await run_ssrf(tmp_path)
    assert result.attempts
    assert [what for what, refused, _ in result.attempts if not refused] == []
    assert result.target_hits == 0


async def test_hostile_inbound_requests_get_4xx_replays_run_once_and_no_secret_shows(
    tmp_path: Path,
) -> None:
    result = await run_inbound(tmp_path)
    assert len(result.answers) == 28
    assert [(n, s) for n, s in result.answers if not 400 <= s < 500] == []
    assert result.replays_processed == {"status": 1, "vote": 1}
    assert result.webhook_calls >= 1  # the webhook did refuse, so errors were logged
    assert set(result.secrets_found.values()) == {0}

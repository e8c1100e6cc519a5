"""Hostile inbound requests for the web routes: forged, stale, replayed, malformed, oversized.

``hostile_requests`` builds the set; ``bench/faults/inbound.py`` sends it to a running bot and
counts the answers, and the tests send it through the same server.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

SLACK_SECRET = "fault-suite-signing-secret"  # noqa: S105 -- a test secret
TEAMS_KEY = b"fault-suite-outgoing-key"
TEAMS_TOKEN = base64.b64encode(TEAMS_KEY).decode()


@dataclass
class Probe:
    name: str
    path: str
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    replay_of: str | None = None  # sent a second time, byte for byte: must be processed once


def slack_headers(body: bytes, ts: str | None = None, secret: str = SLACK_SECRET) -> dict[str, str]:
    ts = ts if ts is not None else str(int(time.time()))
    digest = hmac.new(secret.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest.hexdigest()}",
        "Content-Type": "application/x-www-form-urlencoded",
    }


def teams_headers(body: bytes, key: bytes = TEAMS_KEY) -> dict[str, str]:
    digest = base64.b64encode(hmac.new(key, body, hashlib.sha256).digest()).decode()
    return {"Authorization": f"HMAC {digest}", "Content-Type": "application/json"}


def _jwt(header: dict[str, object], claims: dict[str, object]) -> str:
    def part(value: dict[str, object]) -> str:
        return base64.urlsafe_b64encode(json.dumps(value).encode()).rstrip(b"=").decode()

    return f"{part(header)}.{part(claims)}.c2lnbmF0dXJl"


def slash(text: str, response_url: str, channel: str = "C0FAULTS") -> bytes:
    return urlencode(
        {
            "command": "/signal",
            "text": text,
            "user_id": "UFAULT",
            "channel_id": channel,
            "team_id": "T1",
            "response_url": response_url,
            "trigger_id": "1.2.3",
        }
    ).encode()


def hostile_requests(response_url: str) -> list[Probe]:
    """28 requests no correct client sends (2 of them replays of a valid request)."""
    now = str(int(time.time()))
    help_body = slash("help", response_url)
    status_body = slash("status", response_url)
    vote = urlencode(
        {
            "payload": json.dumps(
                {
                    "type": "block_actions",
                    "user": {"id": "UFAULT"},
                    "channel": {"id": "C0FAULTS"},
                    "team": {"id": "T1"},
                    "response_url": response_url,
                    "actions": [{"action_id": "alert_why", "value": "wire|guid:1"}],
                }
            )
        }
    ).encode()
    s = "/slack/events"
    t = "/teams/outgoing"
    m = "/api/messages"
    signed = slack_headers
    bad_json_activity = b'{"type": "message", "text": '
    return [
        Probe(
            "slack: unsigned", s, help_body, {"Content-Type": "application/x-www-form-urlencoded"}
        ),
        Probe("slack: wrong secret", s, help_body, signed(help_body, secret="wrong")),
        Probe("slack: stale timestamp", s, help_body, signed(help_body, str(int(now) - 600))),
        Probe("slack: future timestamp", s, help_body, signed(help_body, str(int(now) + 600))),
        Probe("slack: non-numeric timestamp", s, help_body, signed(help_body, "yesterday")),
        Probe("slack: empty timestamp", s, help_body, signed(help_body, "")),
        Probe("slack: huge timestamp", s, help_body, signed(help_body, "9" * 40)),
        Probe(
            "slack: signature without v0=",
            s,
            help_body,
            {**signed(help_body), "X-Slack-Signature": "deadbeef"},
        ),
        Probe("slack: signed, body not form data", s, b"\xff\xfe{{{", signed(b"\xff\xfe{{{")),
        Probe(
            "slack: signed, payload not JSON",
            s,
            b"payload=%7Bnot-json",
            signed(b"payload=%7Bnot-json"),
        ),
        Probe(
            "slack: signed, payload a JSON list",
            s,
            b"payload=%5B1%2C2%5D",
            signed(b"payload=%5B1%2C2%5D"),
        ),
        Probe(
            "slack: signed JSON body that is not an object",
            s,
            b"[1, 2, 3]",
            {**signed(b"[1, 2, 3]"), "Content-Type": "application/json"},
        ),
        Probe(
            "slack: signed, action without actions",
            s,
            b"payload=%7B%22type%22%3A%22block_actions%22%7D",
            signed(b"payload=%7B%22type%22%3A%22block_actions%22%7D"),
        ),
        Probe("slack: replayed slash command", s, status_body, signed(status_body), "status"),
        Probe("slack: replayed interaction", s, vote, signed(vote), "vote"),
        Probe("teams outgoing: unsigned", t, b'{"type":"message","text":"help"}'),
        Probe(
            "teams outgoing: wrong key",
            t,
            b'{"type":"message","text":"help"}',
            teams_headers(b'{"type":"message","text":"help"}', b"wrong"),
        ),
        Probe(
            "teams outgoing: HMAC not base64",
            t,
            b"{}",
            {"Authorization": "HMAC %%%not-base64%%%"},
        ),
        Probe("teams outgoing: signed, not JSON", t, b"{{{", teams_headers(b"{{{")),
        Probe("teams outgoing: signed, JSON list", t, b"[1]", teams_headers(b"[1]")),
        Probe(
            "teams outgoing: signed, text an object",
            t,
            b'{"type":"message","text":{"a":1}}',
            teams_headers(b'{"type":"message","text":{"a":1}}'),
        ),
        Probe(
            "teams outgoing: signed, from a list",
            t,
            b'{"type":"message","text":"status","from":[1]}',
            teams_headers(b'{"type":"message","text":"status","from":[1]}'),
        ),
        Probe(
            "teams outgoing: signed, invalid UTF-8",
            t,
            b'{"text":"\xff\xfe"}',
            teams_headers(b'{"text":"\xff\xfe"}'),
        ),
        Probe("bot: no token", m, b'{"type":"message","text":"help"}'),
        Probe(
            "bot: JWT without kid",
            m,
            b'{"type":"message","text":"help"}',
            {"Authorization": "Bearer " + _jwt({"alg": "RS256", "typ": "JWT"}, {"aud": "x"})},
        ),
        Probe(
            "bot: JWT alg none",
            m,
            b'{"type":"message","text":"help"}',
            {"Authorization": "Bearer " + _jwt({"alg": "none", "kid": "k"}, {"aud": "x"})},
        ),
        Probe("bot: garbage bearer", m, bad_json_activity, {"Authorization": "Bearer a.b"}),
        Probe("bot: basic auth", m, bad_json_activity, {"Authorization": "Basic dXNlcjpwYXNz"}),
    ]

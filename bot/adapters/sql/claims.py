"""Claims that follow the process, and the queue of notices.

Each process has an owner id (host and pid, so a restarted container that gets the same pid on the
same host resumes its own claims at once) and heartbeats its row in ``owners``. A claim (a feed
being polled, a delivery or notice being sent) is free as soon as its owner released it, stopped
heartbeating for ``STALE``, or is a process of this host that no longer exists.

Notices (digests, deadline reminders, overflow folds, feed-health notices) wait in ``outbox`` under a stable key and
are claimed, sent and confirmed like alerts.
"""

from __future__ import annotations

import functools
import os
import socket
from datetime import datetime, timedelta
from typing import Any

from bot.adapters.sql.base import bind_ts, chunks, parse_ts
from bot.adapters.sql.driver import Connection, DatabaseError
from bot.adapters.sql.stories import StoriesMixin
from bot.errors import StoreError
from bot.ports import Alert, Notice, PendingNotice

STALE = timedelta(seconds=8)
"""A process that has not heartbeaten for this long is taken for dead."""
HEARTBEAT = timedelta(seconds=2)
"""How often a running process heartbeats (well inside ``STALE``)."""

FREE = (
    "(lease_owner IS NULL OR lease_owner = :owner OR lease_owner NOT IN "
    "(SELECT owner FROM owners WHERE heartbeat_at >= :stale))"
)
"""SQL: the row's claim is free for this process (needs :owner and :stale)."""
BUSY = (
    "(SELECT destination FROM deliveries WHERE status IN ('pending', 'held', 'sending') "
    "AND lease_owner <> :owner AND lease_owner IN "
    "(SELECT owner FROM owners WHERE heartbeat_at >= :stale))"
)
"""SQL: destinations another live process is delivering to (one at a time keeps the order)."""


class _ClaimLostError(Exception):
    """Rolls back a transaction that found one of its rows claimed by another process."""


def default_owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process
        return True
    return True


async def queue_notice_in(
    conn: Connection, notice: Notice, now: datetime, text: str | None = None
) -> bool:
    """Queue a keyed notice within the caller's transaction; False when its key was queued
    before. ``text`` is the notice's JSON when the caller has it."""
    if not notice.key:
        raise ValueError("a queued notice needs a key")
    result = await conn.execute(
        "INSERT INTO outbox (key, destination, kind, notice, next_attempt_at, created_at) "
        "VALUES (:k, :d, :kind, :n, :t, :t) ON CONFLICT (key) DO NOTHING RETURNING key",
        {
            "k": notice.key,
            "d": notice.destination.key,
            "kind": notice.kind,
            "n": notice.model_dump_json() if text is None else text,
            "t": bind_ts(conn.dialect.name, now),
        },
    )
    return bool(result.fetchall())


@functools.lru_cache(maxsize=8)
def _fold_sql(rows: int) -> str:
    """Fold ``rows`` deliveries, each named by its key (an OR of key lookups: both databases
    answer it from the primary key)."""
    keys = " OR ".join(
        f"(feed = :f_{n} AND item_key = :k_{n} AND destination = :d_{n})" for n in range(rows)
    )
    return (
        "UPDATE deliveries SET status = 'folded', message_id = :m, "
        "sent_at = :t, attempts = attempts + 1, lease_owner = NULL "
        f"WHERE ({keys}) AND lease_owner = :owner AND status IN ('pending', 'held') "
        "RETURNING item_key"
    )


class ClaimsMixin(StoriesMixin):
    """The owner, heartbeat and outbox part of SqlStore."""

    owner: str
    _last_heartbeat: datetime | None = None

    def _claim_params(self, now: datetime) -> dict[str, Any]:
        return {"owner": self.owner, "stale": self._ts(now - STALE), "now": self._ts(now)}

    async def heartbeat(self, now: datetime) -> None:
        """Record this process as alive; forget processes of this host that no longer exist and
        processes not heard of for a day."""
        last = self._last_heartbeat
        if last is not None and timedelta(0) <= now - last < HEARTBEAT / 2:
            return  # claims made in a burst share one heartbeat
        self._last_heartbeat = now
        host, pid = socket.gethostname(), os.getpid()
        await self._run(
            "INSERT INTO owners (owner, host, pid, started_at, heartbeat_at) "
            "VALUES (:o, :h, :p, :t, :t) ON CONFLICT (owner) DO UPDATE SET "
            "heartbeat_at = excluded.heartbeat_at, host = excluded.host, pid = excluded.pid",
            {"o": self.owner, "h": host, "p": pid, "t": self._ts(now)},
        )
        rows = await self._run(
            "SELECT owner, pid FROM owners WHERE host = :h AND owner <> :o",
            {"h": host, "o": self.owner},
        )
        for owner, other_pid in rows:
            if int(other_pid) != pid and not _alive(int(other_pid)):
                await self._run("DELETE FROM owners WHERE owner = :o", {"o": owner})
        await self._run(
            "DELETE FROM owners WHERE heartbeat_at < :old",
            {"old": self._ts(now - timedelta(days=1))},
        )

    async def release_claims(self) -> None:
        """Give up every claim of this process and its owner row (a clean shutdown)."""
        params = {"o": self.owner}
        await self._run("UPDATE deliveries SET lease_owner = NULL WHERE lease_owner = :o", params)
        await self._run("UPDATE outbox SET lease_owner = NULL WHERE lease_owner = :o", params)
        await self._run(
            "UPDATE feed_state SET lease_owner = NULL, lease_until = NULL WHERE lease_owner = :o",
            params,
        )
        await self._run("DELETE FROM owners WHERE owner = :o", params)

    async def next_attempt_at(self, now: datetime) -> datetime | None:
        """When the earliest queued alert or notice this process may send is due; while another
        live process holds due work, the next heartbeat (to take over soon if it dies)."""
        params = {**self._claim_params(now), "recheck": self._ts(now + HEARTBEAT)}
        mine = f"{FREE} AND destination NOT IN {BUSY}"
        rows = await self._run(
            f"SELECT MIN(CASE WHEN {mine} THEN next_attempt_at ELSE :recheck END) "
            "FROM deliveries WHERE status IN ('pending', 'held', 'sending') UNION ALL "
            f"SELECT MIN(CASE WHEN {FREE} THEN next_attempt_at ELSE :recheck END) "
            "FROM outbox WHERE status IN ('pending', 'sending')",
            params,
        )
        times = [t for t in (parse_ts(r[0]) for r in rows) if t is not None]
        return min(times, default=None)

    # notices --------------------------------------------------------------------------------
    async def queue_notice(self, notice: Notice, now: datetime) -> bool:
        try:
            async with self._begin() as conn:
                return await queue_notice_in(conn, notice, now)
        except DatabaseError as exc:
            raise StoreError(f"could not queue notice {notice.key}: {exc}") from exc

    async def notice_queued(self, key: str) -> bool:
        rows = await self._run("SELECT 1 FROM outbox WHERE key = :k", {"k": key})
        return bool(rows)

    async def fold(self, alerts: list[Alert], notice: Notice, now: datetime) -> bool:
        params = {"owner": self.owner, "t": self._ts(now), "m": notice.key}
        try:
            async with self._begin() as conn:
                for chunk in chunks(alerts):  # each alert must be pending here, under our claim
                    done = await conn.execute(
                        _fold_sql(len(chunk)),
                        params
                        | {
                            f"{name}_{n}": value
                            for n, a in enumerate(chunk)
                            for name, value in (
                                ("f", a.item.feed),
                                ("k", a.item.key),
                                ("d", a.destination.key),
                            )
                        },
                    )
                    if len(done.fetchall()) != len(chunk):
                        raise _ClaimLostError
                text = notice.model_dump_json()
                if await queue_notice_in(conn, notice, now, text) and len(self._folds) < 1000:
                    self._folds[text] = notice  # read back by this cycle's notice round
                return True
        except _ClaimLostError:
            return False
        except DatabaseError as exc:
            raise StoreError(f"could not fold {len(alerts)} alert(s): {exc}") from exc

    async def due_notices(self, now: datetime, limit: int = 100) -> list[PendingNotice]:
        params = {**self._claim_params(now), "limit": limit}
        await self.heartbeat(now)
        await self._run(
            "UPDATE outbox SET lease_owner = :owner "
            f"WHERE {FREE} AND key IN (SELECT key FROM outbox "
            f"WHERE status IN ('pending', 'sending') AND next_attempt_at <= :now AND {FREE} "
            "ORDER BY created_at LIMIT :limit)",
            params,
        )
        rows = await self._run(
            "SELECT notice, attempts, status, sending_at FROM outbox "
            "WHERE status IN ('pending', 'sending') AND next_attempt_at <= :now "
            "AND lease_owner = :owner ORDER BY created_at, key LIMIT :limit",
            params,
        )
        return [
            PendingNotice(
                notice=self._folds.pop(notice, None) or Notice.model_validate_json(notice),
                attempts=int(attempts),
                sending_since=parse_ts(sending_at) if status == "sending" else None,
            )
            for notice, attempts, status, sending_at in rows
        ]

    async def begin_notice(self, key: str, now: datetime) -> bool:
        rows = await self._run(
            "UPDATE outbox SET status = 'sending', sending_at = COALESCE(sending_at, :t) "
            "WHERE key = :k AND lease_owner = :o AND status IN ('pending', 'sending') "
            "RETURNING key",
            {"t": self._ts(now), "k": key, "o": self.owner},
        )
        return bool(rows)

    async def mark_notice_sent(self, key: str, message_id: str, now: datetime) -> bool:
        rows = await self._run(
            "UPDATE outbox SET status = 'sent', message_id = :m, sent_at = :t, "
            "attempts = attempts + 1, last_error = NULL, lease_owner = NULL "
            "WHERE key = :k AND lease_owner = :o RETURNING key",
            {"m": message_id, "t": self._ts(now), "k": key, "o": self.owner},
        )
        return bool(rows)

    async def mark_notice_retry(self, key: str, error: str, retry_at: datetime) -> None:
        await self._run(
            "UPDATE outbox SET attempts = attempts + 1, last_error = :e, next_attempt_at = :t, "
            "lease_owner = NULL WHERE key = :k AND lease_owner = :o",
            {"e": error[:500], "t": self._ts(retry_at), "k": key, "o": self.owner},
        )

    async def mark_notice_failed(self, key: str, error: str) -> None:
        await self._run(
            "UPDATE outbox SET status = 'failed', attempts = attempts + 1, last_error = :e, "
            "lease_owner = NULL WHERE key = :k AND lease_owner = :o",
            {"e": error[:500], "k": key, "o": self.owner},
        )

    async def sent_notices(self) -> list[tuple[str, str]]:
        """(key, message id) of every sent notice, for inspection and tests."""
        rows = await self._run(
            "SELECT key, message_id FROM outbox WHERE status = 'sent' ORDER BY sent_at, key"
        )
        return [(r[0], r[1] or "") for r in rows]

-- Exactly-once delivery across crashes and replicas.
-- A claim belongs to a live process: every process heartbeats its row in ``owners`` and a claim
-- whose owner stopped heartbeating (or released it on shutdown) is free at once.
CREATE TABLE owners (
    owner TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    started_at TEXT NOT NULL,
    heartbeat_at TEXT NOT NULL
);

-- A delivery is 'sending' from just before the post until it is marked sent; ``sending_at`` is
-- when its first attempt began (the start of the history searched after a crash).
ALTER TABLE deliveries ADD COLUMN sending_at TEXT;

CREATE INDEX deliveries_owner ON deliveries (lease_owner);

-- Notices (digests, deadline reminders, overflow folds) queued and delivered like alerts; the
-- key is stable (one digest per route and period, one reminder per deadline and kind).
CREATE TABLE outbox (
    key TEXT PRIMARY KEY,
    destination TEXT NOT NULL,
    kind TEXT NOT NULL,
    notice TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    message_id TEXT,
    last_error TEXT,
    next_attempt_at TEXT NOT NULL,
    created_at TEXT NOT NULL,
    sending_at TEXT,
    sent_at TEXT,
    lease_owner TEXT
);

CREATE INDEX outbox_due ON outbox (status, next_attempt_at);

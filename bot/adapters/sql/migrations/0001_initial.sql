-- Portable between SQLite and PostgreSQL: timestamps are ISO-8601 UTC text of fixed width.
CREATE TABLE feeds (
    name TEXT PRIMARY KEY,
    spec TEXT NOT NULL,
    added_by TEXT NOT NULL DEFAULT '',
    added_at TEXT NOT NULL
);

CREATE TABLE feed_state (
    name TEXT PRIMARY KEY,
    state TEXT NOT NULL,
    next_poll_at TEXT,
    lease_owner TEXT,
    lease_until TEXT
);

CREATE TABLE stories (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    muted INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE items (
    feed TEXT NOT NULL,
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    link TEXT NOT NULL DEFAULT '',
    summary TEXT NOT NULL DEFAULT '',
    published TEXT,
    source TEXT NOT NULL DEFAULT '',
    relevant INTEGER NOT NULL DEFAULT 0,
    assessment TEXT,
    story_id TEXT,
    seen_at TEXT NOT NULL,
    PRIMARY KEY (feed, key)
);

CREATE INDEX items_seen_at ON items (seen_at);

CREATE INDEX items_story ON items (story_id);

CREATE TABLE deliveries (
    feed TEXT NOT NULL,
    item_key TEXT NOT NULL,
    destination TEXT NOT NULL,
    route TEXT NOT NULL DEFAULT '',
    mention TEXT,
    status TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0,
    message_id TEXT,
    thread_id TEXT,
    last_error TEXT,
    next_attempt_at TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    PRIMARY KEY (feed, item_key, destination)
);

CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);

CREATE TABLE feedback (
    feed TEXT NOT NULL,
    item_key TEXT NOT NULL,
    user_id TEXT NOT NULL,
    vote INTEGER NOT NULL,
    destination TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (feed, item_key, user_id)
);

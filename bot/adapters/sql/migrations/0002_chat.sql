-- Routes and feeds managed from chat, story mutes, and where each feed came from.
CREATE TABLE chat_routes (
    name TEXT PRIMARY KEY,
    destination TEXT NOT NULL,
    spec TEXT NOT NULL,
    created_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL
);

CREATE INDEX chat_routes_destination ON chat_routes (destination);

CREATE TABLE mutes (
    story_id TEXT NOT NULL,
    destination TEXT NOT NULL,
    muted_by TEXT NOT NULL DEFAULT '',
    created_at TEXT NOT NULL,
    PRIMARY KEY (story_id, destination)
);

ALTER TABLE feeds ADD COLUMN origin TEXT NOT NULL DEFAULT 'cli';

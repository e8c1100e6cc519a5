-- Stories with threads, follow-ups, folded overflow, deadline reminders and scheduled digests.
ALTER TABLE deliveries ADD COLUMN story_id TEXT;

ALTER TABLE deliveries ADD COLUMN followup TEXT;

CREATE INDEX deliveries_story ON deliveries (story_id, destination, status);

CREATE TABLE reminders (
    story_id TEXT NOT NULL,
    destination TEXT NOT NULL,
    due_date TEXT NOT NULL,
    remind_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    phrase TEXT NOT NULL,
    feed TEXT NOT NULL,
    item_key TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    sent_at TEXT,
    PRIMARY KEY (story_id, destination, due_date, kind)
);

CREATE TABLE digests_sent (
    route TEXT NOT NULL,
    period_end TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    PRIMARY KEY (route, period_end)
);

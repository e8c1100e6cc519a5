-- WebSub subscriptions, one per feed, and a record of every push or verification refused.
CREATE TABLE websub_subscriptions (
    feed TEXT PRIMARY KEY,
    callback TEXT NOT NULL UNIQUE,
    state TEXT NOT NULL,
    record TEXT NOT NULL
);

CREATE TABLE websub_refusals (
    id TEXT PRIMARY KEY,
    at TEXT NOT NULL,
    callback TEXT NOT NULL,
    feed TEXT,
    reason TEXT NOT NULL
);

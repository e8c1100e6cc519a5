-- Feed health: the rhythm learned for each feed and the status last announced to ops, so that a
-- restart or another replica never announces the same change twice.
CREATE TABLE feed_health (
    name TEXT PRIMARY KEY,
    notified TEXT NOT NULL DEFAULT 'ok',
    record TEXT NOT NULL
);

-- YATA-Shield store, SQLite dialect. Keep in step with
-- ../postgres/0007_feed_sources.sql.

-- The scheduled feed sources of the server's configuration, by name: when
-- each is next due (the replica that moves next_run forward is the one that
-- queues its sync job, so a period is synced once however many replicas
-- run), what its last fetch answered for conditional requests (ETag,
-- Last-Modified), the SHA-256 of what was last imported (a file's bytes, a
-- directory's listing) and how the last sync went.
CREATE TABLE feed_sources (
    name          TEXT PRIMARY KEY,
    next_run      INTEGER NOT NULL,
    etag          TEXT,
    last_modified TEXT,
    fingerprint   TEXT,
    checked_at    INTEGER,
    changed_at    INTEGER,
    outcome       TEXT CHECK (outcome IN ('imported', 'unchanged', 'failed')),
    message       TEXT
);

-- YATA-Shield store, SQLite dialect. Keep in step with
-- ../postgres/0007_schedules.sql.

-- Periodic jobs (feed syncs, risk-acceptance expiry, the deadline scan), by
-- name: when each is next due. The writer that moves next_run forward is the
-- one that queues the job, in the same transaction, so a period's job is
-- queued once however many replicas look.
CREATE TABLE schedules (
    name     TEXT PRIMARY KEY,
    next_run INTEGER NOT NULL
);

-- The scheduled feed sources of the server's configuration, by name: what
-- the last fetch answered for conditional requests (ETag, Last-Modified),
-- the SHA-256 of what was last imported (a file's bytes, a directory's
-- listing) and how the last sync went.
CREATE TABLE feed_sources (
    name          TEXT PRIMARY KEY,
    etag          TEXT,
    last_modified TEXT,
    fingerprint   TEXT,
    checked_at    INTEGER,
    changed_at    INTEGER,
    outcome       TEXT CHECK (outcome IN ('imported', 'unchanged', 'failed')),
    message       TEXT
);

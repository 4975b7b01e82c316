-- YATA-Shield store, SQLite dialect. Keep in step with
-- ../postgres/0002_feed_snapshots.sql.

-- Every advisory snapshot imported into the server (`yata-knowledge`'s
-- format); the latest is the one in use, the older ones are history.
CREATE TABLE feed_snapshots (
    id          INTEGER PRIMARY KEY,
    imported_at INTEGER NOT NULL,
    imported_by TEXT NOT NULL,      -- the actor
    digest      TEXT NOT NULL,      -- SHA-256 (hex) of body
    summary     TEXT NOT NULL,      -- JSON: what the snapshot holds
    size        INTEGER NOT NULL CHECK (size = length(body)),
    body        BLOB NOT NULL
);

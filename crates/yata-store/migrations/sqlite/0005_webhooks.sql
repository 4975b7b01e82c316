-- YATA-Shield store, SQLite dialect. Keep in step with
-- ../postgres/0005_webhooks.sql.

-- Where an organisation wants its events POSTed. The secret is stored as
-- given, not hashed: the server signs every delivery with it, so it must be
-- recoverable (the API shows it once, at registration, and never again).
CREATE TABLE webhooks (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    url          TEXT NOT NULL,
    min_decision TEXT,               -- a BOD 26-04 decision name; NULL: every finding
    secret       TEXT NOT NULL,
    created_at   INTEGER NOT NULL
);
CREATE INDEX webhooks_by_org ON webhooks (org_id);

-- The events each webhook subscribes to.
CREATE TABLE webhook_events (
    webhook_id INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event      TEXT NOT NULL CHECK (event IN ('finding.new', 'finding.deadline_approaching',
                                              'finding.overdue')),
    PRIMARY KEY (webhook_id, event)
);
CREATE INDEX webhook_events_by_event ON webhook_events (event, webhook_id);

-- The outbox: what happened to a finding, written in the transaction of the
-- change that caused it (an upload or re-evaluation opening or reopening
-- it, an accepted risk expiring, the deadline scan), and only for
-- organisations with a webhook subscribed to the event. The finding's
-- fields as they were then. Fanned out into deliveries afterwards.
CREATE TABLE events (
    id            INTEGER PRIMARY KEY,
    org_id        INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind          TEXT NOT NULL CHECK (kind IN ('finding.new', 'finding.deadline_approaching',
                                                'finding.overdue')),
    finding_id    INTEGER NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    asset_id      INTEGER NOT NULL,
    vuln_id       TEXT NOT NULL,
    subject       TEXT NOT NULL,
    decision      TEXT,
    deadline      INTEGER,
    state         TEXT NOT NULL,
    occurred_at   INTEGER NOT NULL,
    dispatched_at INTEGER             -- fanned out into deliveries
);
CREATE INDEX events_undispatched ON events (id) WHERE dispatched_at IS NULL;
-- A finding's deadline events happen once.
CREATE UNIQUE INDEX events_once_per_finding ON events (finding_id, kind)
    WHERE kind <> 'finding.new';

-- One event to one webhook: the delivery queue (claimed with a lease by any
-- replica, like jobs) and its log.
CREATE TABLE webhook_deliveries (
    id              INTEGER PRIMARY KEY,
    webhook_id      INTEGER NOT NULL REFERENCES webhooks (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,          -- NULL: delivered or given up
    lease_until     INTEGER,
    lease_owner     TEXT,
    last_attempt_at INTEGER,
    last_status     INTEGER,          -- HTTP status of the last attempt, if it got one
    last_error      TEXT,
    delivered_at    INTEGER,
    failed_at       INTEGER,          -- given up
    UNIQUE (webhook_id, event_id),
    CHECK (delivered_at IS NULL OR failed_at IS NULL)
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;

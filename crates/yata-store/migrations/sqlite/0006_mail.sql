-- YATA-Shield store, SQLite dialect. Keep in step with
-- ../postgres/0006_mail.sql.

-- Who gets an organisation's events by e-mail: one address per row, in
-- the language(s) asked for. Managed by the organisation's admins, like
-- webhooks; sent only when the server has an SMTP configuration.
CREATE TABLE mail_subscriptions (
    id           INTEGER PRIMARY KEY,
    org_id       INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    address      TEXT NOT NULL,
    min_decision TEXT,               -- a BOD 26-04 decision name; NULL: every finding
    language     TEXT NOT NULL CHECK (language IN ('ja', 'en', 'ja+en')),
    created_at   INTEGER NOT NULL,
    UNIQUE (org_id, address)
);

-- The events each subscription wants.
CREATE TABLE mail_subscription_events (
    subscription_id INTEGER NOT NULL REFERENCES mail_subscriptions (id) ON DELETE CASCADE,
    event           TEXT NOT NULL CHECK (event IN ('finding.new', 'finding.deadline_approaching',
                                                   'finding.overdue')),
    PRIMARY KEY (subscription_id, event)
);
CREATE INDEX mail_subscription_events_by_event ON mail_subscription_events (event, subscription_id);

-- Events (0005) are now written for organisations with a webhook or an
-- e-mail subscription subscribed to their kind.

-- One event to one subscription: the e-mail queue (claimed with a lease by
-- any replica, like webhook deliveries) and its log. last_status is the
-- SMTP reply code of the last attempt, if the server gave one.
CREATE TABLE mail_deliveries (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES mail_subscriptions (id) ON DELETE CASCADE,
    event_id        INTEGER NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    created_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER,          -- NULL: delivered or given up
    lease_until     INTEGER,
    lease_owner     TEXT,
    last_attempt_at INTEGER,
    last_status     INTEGER,          -- SMTP reply code of the last attempt, if it got one
    last_error      TEXT,
    delivered_at    INTEGER,          -- accepted by the SMTP server
    failed_at       INTEGER,          -- given up
    UNIQUE (subscription_id, event_id),
    CHECK (delivered_at IS NULL OR failed_at IS NULL)
);
CREATE INDEX mail_deliveries_due ON mail_deliveries (next_attempt_at)
    WHERE next_attempt_at IS NOT NULL;

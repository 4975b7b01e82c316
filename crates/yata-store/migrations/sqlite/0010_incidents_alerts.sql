-- YATA-Shield store, SQLite dialect. Keep in step with
-- ../postgres/0010_incidents_alerts.sql.

-- Incident reports (issue 8): filed by an organisation, routed up the
-- chain (its sectors' ministries, the NCO), marked with TLP 2.0. The
-- service decides who sees what (TLP included); the store keeps it.
-- `revision` is the audit sequence number of the last write that changed
-- the report or its indicators: writers are serialised on the audit head,
-- so revisions commit in order and a replica catches up on the reports
-- changed since the revision it last saw.
CREATE TABLE incidents (
    id                INTEGER PRIMARY KEY,
    org_id            INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    reporter          TEXT NOT NULL,      -- the actor who filed it
    reporter_user     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    title             TEXT NOT NULL,
    description       TEXT NOT NULL,
    status            TEXT NOT NULL CHECK (status IN ('suspected', 'confirmed', 'contained', 'recovered')),
    tlp               TEXT NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    detected_at       INTEGER,
    started_at        INTEGER,
    contained_at      INTEGER,
    service_impact    TEXT NOT NULL CHECK (service_impact IN ('none', 'degraded', 'outage')),
    continuity_impact TEXT,               -- free text: effect on business continuity
    handling          TEXT,               -- free-text handling notes
    stix              TEXT,               -- the STIX 2.1 bundle it was imported from (JSON)
    created_at        INTEGER NOT NULL,
    updated_at        INTEGER NOT NULL,
    revision          INTEGER NOT NULL
);
CREATE INDEX incidents_by_org ON incidents (org_id, id);
CREATE INDEX incidents_by_revision ON incidents (revision);

-- TLP:RED reports reach only these people (and their author).
CREATE TABLE incident_recipients (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, user_id)
);

CREATE TABLE incident_assets (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    asset_id    INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    PRIMARY KEY (incident_id, asset_id)
);

CREATE TABLE incident_vulns (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    vuln_id     TEXT NOT NULL,
    PRIMARY KEY (incident_id, vuln_id)
);

-- Normalised indicators (kind as yata-indicator names it, canonical value):
-- the inverted index value → reports is the index below.
CREATE TABLE incident_indicators (
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL,
    value       TEXT NOT NULL,
    first_seen  INTEGER,
    last_seen   INTEGER,
    PRIMARY KEY (incident_id, kind, value)
);
CREATE INDEX incident_indicators_by_value ON incident_indicators (kind, value);

-- The report's timeline: the reporter's updates and the hops' annotations
-- (to_reporter: whether the reporting organisation sees it).
CREATE TABLE incident_timeline (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    at          INTEGER NOT NULL,
    actor       TEXT NOT NULL,
    org_id      INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    kind        TEXT NOT NULL CHECK (kind IN ('filed', 'update', 'annotation', 'attachment')),
    to_reporter BOOLEAN NOT NULL,
    status      TEXT,
    body        TEXT NOT NULL
);
CREATE INDEX incident_timeline_by_incident ON incident_timeline (incident_id, id);

CREATE TABLE incident_attachments (
    id          INTEGER PRIMARY KEY,
    incident_id INTEGER NOT NULL REFERENCES incidents (id) ON DELETE CASCADE,
    name        TEXT NOT NULL,
    media_type  TEXT NOT NULL,
    size        INTEGER NOT NULL,
    digest      TEXT NOT NULL,            -- SHA-256 (hex) of body
    body        BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    actor       TEXT NOT NULL
);
CREATE INDEX incident_attachments_by_incident ON incident_attachments (incident_id, id);

-- Alerts (注意喚起) issued by the NCO or a ministry.
CREATE TABLE alerts (
    id              INTEGER PRIMARY KEY,
    issuer_org      INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    issuer          TEXT NOT NULL,        -- the actor who issued it
    issuer_user     INTEGER REFERENCES users (id) ON DELETE SET NULL,
    title_ja        TEXT,
    body_ja         TEXT,
    title_en        TEXT,
    body_en         TEXT,
    tlp             TEXT NOT NULL CHECK (tlp IN ('clear', 'green', 'amber', 'amber+strict', 'red')),
    severity        TEXT CHECK (severity IN ('low', 'medium', 'high', 'critical')),
    deadline        INTEGER,
    actions         TEXT NOT NULL,        -- JSON array of required actions
    targets         TEXT NOT NULL,        -- JSON, as issued
    vulnerabilities TEXT NOT NULL,        -- JSON array of ids
    indicators      TEXT NOT NULL,        -- JSON array of {type, value}
    source_incident INTEGER REFERENCES incidents (id) ON DELETE SET NULL,
    source_sector   TEXT,                 -- the reporting organisation's sector, never the organisation
    relay_of        INTEGER REFERENCES alerts (id) ON DELETE SET NULL,
    created_at      INTEGER NOT NULL,
    CHECK (title_ja IS NOT NULL OR title_en IS NOT NULL)
);
CREATE INDEX alerts_by_issuer ON alerts (issuer_org, id);

-- Targeting by exposure: the ids (every alias) whose findings make an
-- organisation a recipient, at issue and whenever a new exposure appears.
CREATE TABLE alert_vulns (
    alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    vuln_id  TEXT NOT NULL,
    PRIMARY KEY (alert_id, vuln_id)
);
CREATE INDEX alert_vulns_by_vuln ON alert_vulns (vuln_id, alert_id);

-- Recipient organisations and their acknowledgement:
-- received → read → acting → done, each with who and when.
CREATE TABLE alert_recipients (
    alert_id    INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    reason      TEXT NOT NULL CHECK (reason IN ('all', 'sector', 'organization', 'exposed', 'named')),
    status      TEXT NOT NULL CHECK (status IN ('received', 'read', 'acting', 'done')),
    received_at INTEGER NOT NULL,
    read_at     INTEGER,
    read_by     TEXT,
    acting_at   INTEGER,
    acting_by   TEXT,
    done_at     INTEGER,
    done_by     TEXT,
    note        TEXT,
    reminded_at INTEGER,
    reminders   INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (alert_id, org_id)
);
CREATE INDEX alert_recipients_by_org ON alert_recipients (org_id, alert_id);

-- TLP:RED alerts reach only these people (and their issuer).
CREATE TABLE alert_users (
    alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (alert_id, user_id)
);

-- An exposure-targeted alert of a ministry reaches only the organisations
-- of its sectors, now and later: these (none: any organisation).
CREATE TABLE alert_scope (
    alert_id INTEGER NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    org_id   INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    PRIMARY KEY (alert_id, org_id)
);

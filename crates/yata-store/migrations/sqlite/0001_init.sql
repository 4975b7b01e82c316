-- YATA-Shield store, SQLite dialect. Keep in step with ../postgres/0001_init.sql:
-- same tables, columns, constraints and seed rows.
-- Timestamps are INTEGER microseconds since the Unix epoch (UTC) in both
-- dialects; JSON is TEXT; booleans are BOOLEAN (0/1 here).

CREATE TABLE sectors (
    code     TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    name_ja  TEXT NOT NULL,
    name_en  TEXT NOT NULL
);

INSERT INTO sectors (code, position, name_ja, name_en) VALUES
    ('ict',          1,  '情報通信',           'Information and communication'),
    ('finance',      2,  '金融',               'Finance'),
    ('aviation',     3,  '航空',               'Aviation'),
    ('airports',     4,  '空港',               'Airports'),
    ('railways',     5,  '鉄道',               'Railways'),
    ('electricity',  6,  '電力',               'Electric power'),
    ('gas',          7,  'ガス',               'Gas'),
    ('government',   8,  '政府・行政サービス', 'Government and administrative services'),
    ('medical',      9,  '医療',               'Medical'),
    ('water',        10, '水道',               'Water'),
    ('logistics',    11, '物流',               'Logistics'),
    ('chemicals',    12, '化学',               'Chemicals'),
    ('credit_cards', 13, 'クレジット',         'Credit cards'),
    ('petroleum',    14, '石油',               'Petroleum'),
    ('ports',        15, '港湾',               'Ports');

CREATE TABLE organizations (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL UNIQUE,
    kind       TEXT NOT NULL CHECK (kind IN ('nco', 'ministry', 'operator', 'government', 'vendor')),
    created_at INTEGER NOT NULL
);

-- The sectors an operator or government body belongs to, or, for a
-- ministry, the sectors it supervises: the organisation's kind says which.
CREATE TABLE organization_sectors (
    org_id INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    sector TEXT NOT NULL REFERENCES sectors (code),
    PRIMARY KEY (org_id, sector)
);
CREATE INDEX organization_sectors_by_sector ON organization_sectors (sector, org_id);

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    name          TEXT NOT NULL,
    email         TEXT NOT NULL UNIQUE,   -- normalised (lower-case) by the service
    password_hash TEXT,                   -- Argon2id PHC string; NULL: no password login
    created_at    INTEGER NOT NULL,
    disabled_at   INTEGER
);

CREATE TABLE memberships (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id     INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer', 'auditor')),
    created_at INTEGER NOT NULL,
    PRIMARY KEY (user_id, org_id)
);
CREATE INDEX memberships_by_org ON memberships (org_id);

CREATE TABLE api_tokens (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),  -- SHA-256 of the token
    name        TEXT NOT NULL,
    org_id      INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id     INTEGER REFERENCES users (id) ON DELETE CASCADE,
    role        TEXT NOT NULL CHECK (role IN ('admin', 'analyst', 'viewer', 'auditor')),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER,
    revoked_at  INTEGER
);
CREATE INDEX api_tokens_by_org ON api_tokens (org_id);

-- Web sessions and one-time bootstrap links (designed; no operations yet).
CREATE TABLE sessions (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    org_id      INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    csrf_hash   BLOB NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL
);
CREATE TABLE bootstrap_links (
    id          INTEGER PRIMARY KEY,
    token_hash  BLOB NOT NULL UNIQUE CHECK (length(token_hash) = 32),
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    used_at     INTEGER
);

CREATE TABLE assets (
    id               INTEGER PRIMARY KEY,
    org_id           INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name             TEXT NOT NULL,
    kind             TEXT NOT NULL CHECK (kind IN ('software', 'product')),
    internet_exposed BOOLEAN NOT NULL,
    criticality      TEXT NOT NULL CHECK (criticality IN ('low', 'medium', 'high', 'very-high')),
    vendor           TEXT,
    product          TEXT,
    version          TEXT,
    cpe              TEXT,
    created_at       INTEGER NOT NULL,
    UNIQUE (org_id, name)
);

-- Every uploaded inventory document; exactly one current per asset at most.
CREATE TABLE inventories (
    id           INTEGER PRIMARY KEY,
    asset_id     INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    format       TEXT NOT NULL,
    digest       TEXT NOT NULL,      -- SHA-256 (hex) of the uploaded bytes
    uploaded_at  INTEGER NOT NULL,
    uploaded_by  TEXT NOT NULL,      -- the actor
    components   INTEGER NOT NULL,
    encoding     TEXT NOT NULL,      -- how `body` is encoded, e.g. 'json' or 'json+gzip'
    body         BLOB NOT NULL,      -- the parsed inventory
    is_current   BOOLEAN NOT NULL
);
CREATE UNIQUE INDEX inventories_one_current ON inventories (asset_id) WHERE is_current;
CREATE INDEX inventories_by_asset ON inventories (asset_id, uploaded_at);

CREATE TABLE findings (
    id                  INTEGER PRIMARY KEY,
    org_id              INTEGER NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    asset_id            INTEGER NOT NULL REFERENCES assets (id) ON DELETE CASCADE,
    vuln_id             TEXT NOT NULL,
    subject             TEXT NOT NULL,   -- component purl (or name@version) or 'product'
    first_seen          INTEGER NOT NULL,
    last_seen           INTEGER NOT NULL,
    present             BOOLEAN NOT NULL, -- in the asset's current inventory
    state               TEXT NOT NULL CHECK (state IN ('open', 'in_triage', 'fixed', 'mitigated',
                                   'not_affected', 'risk_accepted', 'false_positive')),
    state_changed_at    INTEGER NOT NULL,
    decision            TEXT,            -- e.g. the SSVC outcome ('3 days', 'immediate')
    deadline            INTEGER,
    justification       TEXT,            -- VEX justification for not_affected
    risk_accepted_until INTEGER,
    explanation         TEXT NOT NULL,   -- JSON: why it matched and how it was prioritised
    UNIQUE (asset_id, vuln_id, subject),
    CHECK (state <> 'risk_accepted' OR risk_accepted_until IS NOT NULL),
    CHECK (state <> 'not_affected' OR justification IS NOT NULL)
);
CREATE INDEX findings_by_org_state ON findings (org_id, state, deadline);
CREATE INDEX findings_by_vuln ON findings (vuln_id);
CREATE INDEX findings_risk_expiry ON findings (risk_accepted_until) WHERE state = 'risk_accepted';

CREATE TABLE finding_transitions (
    id            INTEGER PRIMARY KEY,
    finding_id    INTEGER NOT NULL REFERENCES findings (id) ON DELETE CASCADE,
    at            INTEGER NOT NULL,
    actor         TEXT NOT NULL,
    from_state    TEXT NOT NULL,
    to_state      TEXT NOT NULL,
    justification TEXT,
    note          TEXT NOT NULL
);
CREATE INDEX finding_transitions_by_finding ON finding_transitions (finding_id, id);

-- Background work, claimed with a lease by any replica.
CREATE TABLE jobs (
    id          INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    payload     TEXT NOT NULL,   -- JSON
    run_at      INTEGER NOT NULL,
    lease_until INTEGER,
    lease_owner TEXT,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT,
    created_at  INTEGER NOT NULL,
    done_at     INTEGER
);
CREATE INDEX jobs_due ON jobs (run_at) WHERE done_at IS NULL;

-- The hash-chained audit log and its head (the last sequence number and
-- hash; one row, updated by every write, which also serialises writers).
CREATE TABLE audit_log (
    seq       INTEGER PRIMARY KEY,
    at        INTEGER NOT NULL,
    actor     TEXT NOT NULL,
    action    TEXT NOT NULL,
    object    TEXT NOT NULL,
    details   TEXT NOT NULL,   -- JSON, hashed as stored
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL
);
CREATE TABLE audit_head (
    id   INTEGER PRIMARY KEY CHECK (id = 1),
    seq  INTEGER NOT NULL,
    hash TEXT NOT NULL
);
INSERT INTO audit_head (id, seq, hash)
    VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
    BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

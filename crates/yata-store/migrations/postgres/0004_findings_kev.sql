-- Whether a finding's vulnerability is in CISA's KEV catalogue, as a column
-- so that rollups can put overdue KEV findings first without reading the
-- explanation JSON.
ALTER TABLE findings ADD COLUMN kev BOOLEAN NOT NULL DEFAULT FALSE;

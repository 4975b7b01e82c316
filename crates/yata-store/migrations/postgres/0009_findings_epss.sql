-- The EPSS score (probability, 0 to 1) a finding was last prioritised with
-- (its first, or the last jump), so that a jump from it is recorded as a
-- re-prioritisation. Keep in step
-- with ../sqlite/0009_findings_epss.sql.
ALTER TABLE findings ADD COLUMN epss DOUBLE PRECISION;

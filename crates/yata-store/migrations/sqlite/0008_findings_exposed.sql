-- YATA-Shield store, SQLite dialect. Keep in step with
-- ../postgres/0008_findings_exposed.sql.

-- Who is exposed to a vulnerability (the exposure view): only the findings
-- that expose someone, by vulnerability, organisation and asset, so that
-- the per-organisation counts are read from the index alone and a listing
-- in (organisation, asset, id) order stops at its limit. The predicate is
-- written exactly as the store's queries repeat it (SQLite uses a partial
-- index only for a query that names its terms).
CREATE INDEX findings_exposed ON findings (vuln_id, org_id, asset_id, id)
    WHERE present AND state NOT IN ('fixed', 'not_affected', 'false_positive');

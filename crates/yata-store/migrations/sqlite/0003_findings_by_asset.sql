-- Listing an asset's findings: without this index SQLite's planner takes
-- findings_by_org_state for `org_id = ? AND asset_id = ?` and scans every
-- finding of the organisation (measured: 1.5 s for a 50-finding asset in an
-- organisation of 150,000 findings).
CREATE INDEX findings_by_org_asset ON findings (org_id, asset_id, deadline);

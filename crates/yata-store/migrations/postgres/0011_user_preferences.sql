-- YATA-Shield store, PostgreSQL dialect. Keep in step with the other dialect's
-- 0011_user_preferences.sql.

-- A person's display preferences for the web UI: language (NULL: Japanese,
-- the default) and IANA time zone (NULL: Asia/Tokyo).
ALTER TABLE users ADD COLUMN language TEXT CHECK (language IN ('ja', 'en'));
ALTER TABLE users ADD COLUMN time_zone TEXT;

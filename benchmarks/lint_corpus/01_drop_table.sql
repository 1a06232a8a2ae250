DROP TABLE audit_log;
DROP TABLE IF EXISTS legacy_events, legacy_sessions CASCADE;
CREATE TABLE import_staging (id bigint PRIMARY KEY, payload jsonb);
DROP TABLE import_staging;

CREATE TABLE import_staging (id bigint, payload jsonb);
TRUNCATE import_staging;
DELETE FROM sessions WHERE expires_at < now() - interval '30 days';

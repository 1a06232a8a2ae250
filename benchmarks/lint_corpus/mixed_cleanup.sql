-- Data cleanup that crept into a schema migration.
TRUNCATE import_errors;
DELETE FROM sessions;
DELETE FROM password_resets WHERE created_at < now() - interval '1 day';
DROP TABLE IF EXISTS tmp_backfill;
DROP SCHEMA IF EXISTS scratch CASCADE;
VACUUM ANALYZE users;

-- A staging table created and dropped by the same migration is not a hazard.
CREATE TABLE import_staging (id bigint PRIMARY KEY, payload jsonb);
INSERT INTO import_staging SELECT id, payload FROM raw_events;
DROP TABLE import_staging;
-- Unquoted names fold to lower case, so these are one table.
CREATE TABLE Tmp_Copy (id bigint);
DROP TABLE tmp_copy;
-- Dropping an index or a view loses no rows.
DROP INDEX CONCURRENTLY IF EXISTS ix_users_old_email;
DROP VIEW IF EXISTS active_users;

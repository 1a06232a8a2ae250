ALTER TABLE users ADD COLUMN email varchar(100);
ALTER TABLE users ALTER COLUMN email TYPE varchar(320);
ALTER TABLE users ALTER COLUMN email TYPE text;
CREATE TABLE counters (id bigint PRIMARY KEY, n integer);
ALTER TABLE counters ALTER COLUMN n TYPE bigint;

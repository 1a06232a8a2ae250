ALTER TABLE events ALTER COLUMN counter TYPE bigint;
ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;
ALTER TABLE users ADD COLUMN email varchar(100);
ALTER TABLE users ALTER COLUMN email TYPE varchar(320);
ALTER TABLE users ALTER COLUMN email TYPE text;

ALTER TABLE users ALTER COLUMN age TYPE bigint;  -- expect: column_type_change
ALTER TABLE events ADD COLUMN counter integer;
ALTER TABLE events ALTER COLUMN counter TYPE bigint;  -- expect: column_type_change
ALTER TABLE events ALTER COLUMN payload TYPE jsonb USING payload::jsonb;  -- expect: column_type_change

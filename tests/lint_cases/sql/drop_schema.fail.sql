DROP SCHEMA legacy CASCADE;  -- expect: drop_schema
DROP SCHEMA IF EXISTS staging, scratch;  -- expect: drop_schema, drop_schema

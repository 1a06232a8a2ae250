-- "reset the database": SQL's drop_all() + create_all()
DROP SCHEMA public CASCADE;  -- expect: force_reset
CREATE SCHEMA public;
GRANT ALL ON SCHEMA public TO app;

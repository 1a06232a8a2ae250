-- Bodies with semicolons inside dollar quotes, and non-ASCII text, are one statement each.
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;
COMMENT ON TABLE users IS 'Utilisateurs — café; thé';
DO $body$ BEGIN RAISE NOTICE 'hello; world'; END $body$;
/* a block comment; with a semicolon */
SELECT 1;

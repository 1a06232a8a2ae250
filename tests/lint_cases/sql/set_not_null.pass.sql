-- The PostgreSQL 12+ recipe, first step: a NOT VALID check takes no long lock...
ALTER TABLE users ADD CONSTRAINT users_email_not_null CHECK (email IS NOT NULL) NOT VALID;
-- ...and validating it blocks no writes.
ALTER TABLE users VALIDATE CONSTRAINT users_email_not_null;
-- A table created here has no rows to scan.
CREATE TABLE tags (id bigint PRIMARY KEY, label text);
ALTER TABLE tags ALTER COLUMN label SET NOT NULL;

-- A column added by this migration holds nothing yet: dropping it again loses nothing.
ALTER TABLE users ADD COLUMN scratch integer;
ALTER TABLE users DROP COLUMN scratch;
CREATE TABLE carts (id bigint PRIMARY KEY, note text);
ALTER TABLE carts DROP COLUMN note;
ALTER TABLE users ALTER COLUMN nickname DROP NOT NULL;

-- Widening a varchar, or varchar to text, needs no rewrite and loses nothing on PostgreSQL.
ALTER TABLE users ADD COLUMN nickname varchar(50);
ALTER TABLE users ALTER COLUMN nickname TYPE varchar(255);
ALTER TABLE users ALTER COLUMN nickname TYPE text;
-- More precision at the same scale: no rewrite either.
ALTER TABLE invoices ADD COLUMN amount numeric(10, 2);
ALTER TABLE invoices ALTER COLUMN amount TYPE numeric(14, 2);
-- A table created here can change freely.
CREATE TABLE drafts (id bigint PRIMARY KEY, title varchar(200));
ALTER TABLE drafts ALTER COLUMN title TYPE varchar(20);

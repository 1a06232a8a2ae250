ALTER TABLE users ADD COLUMN nickname varchar(255);
ALTER TABLE users ALTER COLUMN nickname TYPE varchar(50);
ALTER TABLE accounts ADD COLUMN balance bigint;
ALTER TABLE accounts ALTER COLUMN balance TYPE integer;

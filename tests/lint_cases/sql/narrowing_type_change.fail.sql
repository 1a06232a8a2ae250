ALTER TABLE users ADD COLUMN nickname varchar(255);
ALTER TABLE accounts ADD COLUMN balance bigint;
ALTER TABLE invoices ADD COLUMN amount numeric(12, 2);
ALTER TABLE posts ADD COLUMN body text;

ALTER TABLE users ALTER COLUMN nickname TYPE varchar(50);  -- expect: narrowing_type_change
ALTER TABLE accounts ALTER COLUMN balance TYPE integer;  -- expect: narrowing_type_change
ALTER TABLE invoices ALTER COLUMN amount SET DATA TYPE numeric(12, 0);  -- expect: narrowing_type_change
ALTER TABLE posts  -- expect: narrowing_type_change
    ALTER COLUMN body TYPE varchar(500) USING left(body, 500);

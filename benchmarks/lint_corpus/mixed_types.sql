-- Type changes: the widening ones are free on PostgreSQL, the others rewrite or narrow.
CREATE TABLE products (id bigint PRIMARY KEY, sku varchar(20), price numeric(10, 2), qty integer);
ALTER TABLE products ALTER COLUMN sku TYPE varchar(64);
ALTER TABLE line_items ADD COLUMN sku varchar(20);
ALTER TABLE line_items ALTER COLUMN sku TYPE varchar(64);
ALTER TABLE line_items ALTER COLUMN sku TYPE text;
ALTER TABLE line_items ADD COLUMN price numeric(10, 2);
ALTER TABLE line_items ALTER COLUMN price TYPE numeric(12, 2);
ALTER TABLE line_items ALTER COLUMN price TYPE numeric(12, 0);
ALTER TABLE line_items ALTER COLUMN qty TYPE bigint;
ALTER TABLE line_items ALTER COLUMN created TYPE timestamptz;

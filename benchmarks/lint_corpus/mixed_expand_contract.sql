-- A rename done in one step, then the cleanup of a release.
ALTER TABLE customers RENAME COLUMN mail TO email;
ALTER TABLE customers ALTER COLUMN email TYPE varchar(120);
ALTER TABLE customer_notes RENAME TO notes;
ALTER TABLE customers DROP COLUMN fax;
ALTER TABLE customers ADD COLUMN phone varchar(32);
CREATE UNIQUE INDEX ux_customers_email ON customers (email);

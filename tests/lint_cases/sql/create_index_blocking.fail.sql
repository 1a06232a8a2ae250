CREATE INDEX ix_users_email ON users (email);  -- expect: create_index_blocking
CREATE UNIQUE INDEX IF NOT EXISTS ux_orders_ref  -- expect: create_index_blocking
    ON sales.orders (ref);
ALTER TABLE users ADD CONSTRAINT ux_users_handle UNIQUE (handle);  -- expect: create_index_blocking
ALTER TABLE users ADD COLUMN code text UNIQUE;  -- expect: create_index_blocking

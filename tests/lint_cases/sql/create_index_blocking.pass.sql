CREATE INDEX CONCURRENTLY ix_users_email ON users (email);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux_orders_ref ON sales.orders (ref);
-- A unique constraint adopts an index built concurrently before: no long lock.
CREATE UNIQUE INDEX CONCURRENTLY ux_users_handle ON users (handle);
ALTER TABLE users ADD CONSTRAINT ux_users_handle UNIQUE USING INDEX ux_users_handle;
CREATE TABLE tickets (id bigint PRIMARY KEY, event_id bigint);
CREATE INDEX ix_tickets_event ON tickets (event_id);
ALTER TABLE tickets ADD CONSTRAINT ux_tickets UNIQUE (event_id);

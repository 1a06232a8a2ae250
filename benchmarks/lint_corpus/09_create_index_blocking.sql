CREATE INDEX ix_users_email ON users (email);
CREATE UNIQUE INDEX ux_orders_ref ON orders (ref);
CREATE INDEX CONCURRENTLY ix_orders_created ON orders (created_at);
CREATE TABLE tickets (id bigint PRIMARY KEY, event_id bigint);
CREATE INDEX ix_tickets_event ON tickets (event_id);
ALTER TABLE users ADD CONSTRAINT ux_users_handle UNIQUE (handle);

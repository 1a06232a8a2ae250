CREATE INDEX CONCURRENTLY ix_users_email ON users (email);
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ux_orders_ref ON sales.orders (ref);
CREATE TABLE tickets (id bigint PRIMARY KEY, event_id bigint);
CREATE INDEX ix_tickets_event ON tickets (event_id);

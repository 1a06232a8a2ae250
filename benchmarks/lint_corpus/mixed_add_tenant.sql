-- Multi-tenancy, the way it is often first written.
CREATE TABLE tenants (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);
INSERT INTO tenants (name) VALUES ('default');
ALTER TABLE users ADD COLUMN tenant_id bigint;
UPDATE users SET tenant_id = 1 WHERE tenant_id IS NULL;
ALTER TABLE users ALTER COLUMN tenant_id SET NOT NULL;
ALTER TABLE users ADD CONSTRAINT fk_users_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id);
CREATE INDEX ix_users_tenant ON users (tenant_id);
ALTER TABLE orders ADD COLUMN tenant_id bigint NOT NULL REFERENCES tenants (id);

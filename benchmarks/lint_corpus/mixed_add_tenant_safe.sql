-- The same change, written to keep the application running.
CREATE TABLE tenants (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name text NOT NULL
);
ALTER TABLE users ADD COLUMN tenant_id bigint;
ALTER TABLE users ADD CONSTRAINT fk_users_tenant FOREIGN KEY (tenant_id) REFERENCES tenants (id) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT fk_users_tenant;
ALTER TABLE users ADD CONSTRAINT users_tenant_not_null CHECK (tenant_id IS NOT NULL) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT users_tenant_not_null;
CREATE INDEX CONCURRENTLY ix_users_tenant ON users (tenant_id);

ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;
ALTER TABLE users ADD COLUMN region text NOT NULL DEFAULT 'eu';
ALTER TABLE payments ADD COLUMN ref uuid NOT NULL;

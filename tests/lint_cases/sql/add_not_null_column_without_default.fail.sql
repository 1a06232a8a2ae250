ALTER TABLE users ADD COLUMN tenant_id bigint NOT NULL;  -- expect: add_not_null_column_without_default
ALTER TABLE orders ADD COLUMN region text NOT NULL DEFAULT NULL;  -- expect: add_not_null_column_without_default
ALTER TABLE payments ADD COLUMN ref uuid PRIMARY KEY;  -- expect: add_not_null_column_without_default, create_index_blocking

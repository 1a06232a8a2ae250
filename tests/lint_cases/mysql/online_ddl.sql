-- Which ALTERs copy the table on MySQL 8 / MariaDB 10.6+ (InnoDB), and which do not.
ALTER TABLE orders ADD COLUMN note VARCHAR(200);
ALTER TABLE orders ADD COLUMN flag TINYINT NOT NULL DEFAULT 0, ALGORITHM=INSTANT;
ALTER TABLE orders ADD INDEX ix_orders_placed (placed_at);
CREATE INDEX ix_orders_note ON orders (note);
ALTER TABLE orders ADD COLUMN qty INT;
ALTER TABLE orders MODIFY qty BIGINT;  -- expect: column_type_change
ALTER TABLE orders MODIFY qty BIGINT NOT NULL;  -- expect: set_not_null
ALTER TABLE orders ADD COLUMN code VARCHAR(40);
ALTER TABLE orders MODIFY code VARCHAR(60);
ALTER TABLE orders MODIFY code VARCHAR(100);  -- expect: column_type_change
ALTER TABLE orders MODIFY code TEXT, ALGORITHM=INPLACE, LOCK=NONE;  -- expect: column_type_change
ALTER TABLE orders ADD CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id);  -- expect: add_foreign_key_validating
ALTER TABLE orders ADD CONSTRAINT fk_orders_shop FOREIGN KEY (shop_id) REFERENCES shops (id), LOCK=NONE;  -- expect: add_foreign_key_validating
ALTER TABLE orders DROP COLUMN legacy_code, ALGORITHM=INSTANT;  -- expect: drop_column
RENAME TABLE orders TO purchases;  -- expect: rename_table
ALTER TABLE purchases RENAME TO sales;  -- expect: rename_table
ALTER TABLE audit_log ADD COLUMN actor INT NOT NULL;  -- expect: add_not_null_column_without_default

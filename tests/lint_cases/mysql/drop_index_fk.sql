-- MySQL refuses to drop the index a foreign key needs (error 1553).
CREATE TABLE users (id INT PRIMARY KEY, email VARCHAR(100));
CREATE TABLE orders (
    id INT PRIMARY KEY,
    user_id INT NOT NULL,
    shop_id INT NOT NULL,
    KEY ix_orders_shop (shop_id, id),
    CONSTRAINT fk_orders_user FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT fk_orders_shop FOREIGN KEY (shop_id) REFERENCES shops (id)
);
ALTER TABLE orders DROP INDEX fk_orders_user;  -- expect: add_foreign_key_validating
DROP INDEX ix_orders_shop ON orders;  -- expect: add_foreign_key_validating
CREATE INDEX ix_orders_shop_only ON orders (shop_id);
DROP INDEX ix_orders_shop ON orders;
ALTER TABLE orders DROP FOREIGN KEY fk_orders_user, DROP INDEX fk_orders_user;
CREATE TABLE refunds (id INT PRIMARY KEY, order_id INT, KEY ix_refund_order (order_id), FOREIGN KEY (order_id) REFERENCES orders (id));
DROP INDEX ix_refund_order ON refunds;  -- expect: add_foreign_key_validating
ALTER TABLE users DROP INDEX email;

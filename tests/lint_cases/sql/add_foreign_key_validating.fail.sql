ALTER TABLE payments ADD CONSTRAINT fk_payments_user  -- expect: add_foreign_key_validating
    FOREIGN KEY (user_id) REFERENCES users (id);
ALTER TABLE payments ADD FOREIGN KEY (order_id) REFERENCES orders (id) ON DELETE CASCADE;  -- expect: add_foreign_key_validating
ALTER TABLE payments ADD COLUMN event_id bigint REFERENCES events (id);  -- expect: add_foreign_key_validating

ALTER TABLE payments ADD CONSTRAINT fk_payments_user
    FOREIGN KEY (user_id) REFERENCES users (id) NOT VALID;
-- (in a later migration)
ALTER TABLE payments VALIDATE CONSTRAINT fk_payments_user;
CREATE TABLE refunds (id bigint PRIMARY KEY, payment_id bigint);
ALTER TABLE refunds ADD CONSTRAINT fk_refunds_payment FOREIGN KEY (payment_id) REFERENCES payments (id);

UPDATE users SET email = '' WHERE email IS NULL;
ALTER TABLE users ALTER COLUMN email SET NOT NULL;  -- expect: set_not_null
ALTER TABLE orders  -- expect: set_not_null, set_not_null
    ALTER COLUMN placed_at SET NOT NULL,
    ALTER COLUMN customer_id SET NOT NULL;

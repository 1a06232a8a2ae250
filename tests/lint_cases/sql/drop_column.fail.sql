ALTER TABLE users DROP COLUMN legacy_code;  -- expect: drop_column
ALTER TABLE IF EXISTS ONLY orders  -- expect: drop_column, drop_column
    DROP COLUMN IF EXISTS coupon,
    DROP COLUMN discount CASCADE;

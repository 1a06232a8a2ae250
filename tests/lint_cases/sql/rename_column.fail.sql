ALTER TABLE users RENAME COLUMN email TO email_address;  -- expect: rename_column
ALTER TABLE users RENAME name TO full_name;  -- expect: rename_column

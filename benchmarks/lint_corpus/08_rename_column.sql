ALTER TABLE users RENAME COLUMN email TO email_address;
ALTER TABLE users RENAME name TO full_name;

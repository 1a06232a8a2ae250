CREATE TABLE new_accounts (id bigint PRIMARY KEY);
ALTER TABLE new_accounts RENAME TO accounts_v2;
ALTER TABLE accounts_v2 RENAME COLUMN id TO account_id;
ALTER INDEX ix_users_email RENAME TO users_email_idx;

ALTER TABLE users RENAME TO accounts;  -- expect: rename_table
ALTER TABLE IF EXISTS billing.invoice RENAME TO invoices;  -- expect: rename_table

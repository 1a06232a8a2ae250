ALTER TABLE users RENAME TO accounts;
ALTER TABLE billing.invoice RENAME TO invoices;

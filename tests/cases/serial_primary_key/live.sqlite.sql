-- On SQLite an INTEGER PRIMARY KEY is the rowid and numbers itself; a BIGINT key does not.
CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name VARCHAR(80) NOT NULL
);
CREATE TABLE ledger (
    id BIGINT PRIMARY KEY,
    amount NUMERIC(12, 2) NOT NULL
);
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    number VARCHAR(20) NOT NULL
);
INSERT INTO accounts (name) VALUES ('cash');

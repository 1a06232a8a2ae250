-- accounts and ledger: AUTO_INCREMENT keys, what create_all makes.
-- invoices: a plain INTEGER key without AUTO_INCREMENT: inserts that leave id out fail.
CREATE TABLE accounts (
    id INTEGER NOT NULL AUTO_INCREMENT PRIMARY KEY,
    name VARCHAR(80) NOT NULL
);
CREATE TABLE ledger (
    id BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    amount NUMERIC(12, 2) NOT NULL
);
CREATE TABLE invoices (
    id INTEGER PRIMARY KEY,
    number VARCHAR(20) NOT NULL
);
INSERT INTO accounts (name) VALUES ('cash');
INSERT INTO ledger (amount) VALUES (10.00);

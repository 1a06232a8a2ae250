CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
INSERT INTO customers VALUES (1, 'ada@example.com');

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    total NUMERIC(10, 2) NOT NULL
);
CREATE INDEX ix_orders_user_id ON orders (user_id);
INSERT INTO users VALUES (1, 'ada@example.com');
INSERT INTO orders VALUES (1, 1, 42.00);

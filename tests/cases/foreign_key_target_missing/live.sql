-- The database cannot hold a foreign key to a table or column that does not exist, so the
-- columns are there without constraints.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL,
    user_uuid VARCHAR(36)
);
INSERT INTO users VALUES (1, 'ada@example.com');
INSERT INTO orders VALUES (1, 7, NULL);

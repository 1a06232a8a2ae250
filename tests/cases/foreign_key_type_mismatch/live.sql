-- The database's keys were widened to BIGINT (users.id and orders.user_id); the Order model still
-- declares user_id as INTEGER, which cannot hold the key's values. A database created exactly from
-- these models would have no finding (the contract's rule): the mismatch is judged against the
-- database's key type.
CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id)
);
INSERT INTO users VALUES (3000000000, 'ada@example.com');
INSERT INTO orders VALUES (1, 3000000000);

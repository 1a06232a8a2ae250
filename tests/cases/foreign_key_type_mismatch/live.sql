-- Created exactly as the models say: the live side matches, the mismatch is in the models.
CREATE TABLE users (
    id BIGINT PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id)
);
INSERT INTO users VALUES (3000000000, 'ada@example.com');

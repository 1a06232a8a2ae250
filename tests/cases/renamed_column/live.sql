CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    name VARCHAR(120),
    email VARCHAR(255) NOT NULL
);
INSERT INTO users VALUES (1, 'Ada Lovelace', 'ada@example.com');

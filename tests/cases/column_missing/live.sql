CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
INSERT INTO users (id, email) VALUES (1, 'ada@example.com');

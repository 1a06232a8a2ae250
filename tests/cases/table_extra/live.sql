CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
-- Dropping this to "match the models" would lose its rows: destructive.
CREATE TABLE legacy_reports (
    id INTEGER PRIMARY KEY,
    user_id INTEGER REFERENCES users (id),
    body TEXT NOT NULL
);
INSERT INTO users (id, email) VALUES (1, 'ada@example.com');
INSERT INTO legacy_reports (id, user_id, body) VALUES (1, 1, 'Q3 numbers');

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    username VARCHAR(50) NOT NULL,
    first_name VARCHAR(80) NOT NULL,
    last_name VARCHAR(80) NOT NULL,
    created_at TIMESTAMP NOT NULL,
    country VARCHAR(2) NOT NULL
);
CREATE INDEX users_created_at_idx ON users (created_at);
CREATE UNIQUE INDEX users_username_idx ON users (username);
CREATE INDEX users_country_idx ON users (country);
INSERT INTO users VALUES (1, 'ada@example.com', 'ada', 'Ada', 'Lovelace', '2024-01-01 00:00:00', 'GB');

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    full_name VARCHAR(120) NOT NULL,
    email VARCHAR(255)
);
INSERT INTO users (id, full_name, email) VALUES (1, 'Ada Lovelace', NULL);

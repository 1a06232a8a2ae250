CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    name VARCHAR(120) NOT NULL
);
CREATE UNIQUE INDEX users_lower_email_key ON users (lower(email));
CREATE INDEX users_name_lower_idx ON users (lower(name));

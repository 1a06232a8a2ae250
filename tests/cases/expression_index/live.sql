CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    name VARCHAR(120) NOT NULL
);
CREATE UNIQUE INDEX ix_users_email_lower ON users (lower(email));
INSERT INTO users VALUES (1, 'Ada@Example.com', 'Ada');

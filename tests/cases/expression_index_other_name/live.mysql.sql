-- MariaDB has no expression indexes (MySQL has them from 8.0.13): the table exists without them.
CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    name VARCHAR(120) NOT NULL
);
INSERT INTO users VALUES (1, 'Ada@Example.com', 'Ada');

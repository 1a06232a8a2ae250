CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
INSERT INTO alembic_version (version_num) VALUES ('3f2a9c1d7e4b');

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
-- A real undeclared table in the same database is still reported: only bookkeeping is skipped.
CREATE TABLE audit_trail (
    id INTEGER PRIMARY KEY,
    note TEXT
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    -- nullable: harmless to the ORM, but a sync would drop it with its data
    nickname VARCHAR(40),
    -- NOT NULL with a default: inserts through the model still work
    signup_source VARCHAR(20) NOT NULL DEFAULT 'web',
    -- NOT NULL without a default: every INSERT the model makes fails
    legacy_code VARCHAR(12) NOT NULL
);
INSERT INTO users (id, email, nickname, legacy_code) VALUES (1, 'ada@example.com', 'ada', 'L-001');

-- SQLite has no enum type: SQLAlchemy stores an Enum as VARCHAR sized for its longest value.
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    status VARCHAR(9) NOT NULL,
    visibility VARCHAR(7) NOT NULL
);
INSERT INTO posts VALUES (1, 'Old news', 'archived', 'public');

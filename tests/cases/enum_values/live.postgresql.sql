CREATE TYPE post_status AS ENUM ('draft', 'published', 'archived');
CREATE TYPE post_visibility AS ENUM ('public', 'private');
CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    status post_status NOT NULL,
    visibility post_visibility NOT NULL
);
INSERT INTO posts VALUES (1, 'Old news', 'archived', 'public');

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    title VARCHAR(200) NOT NULL,
    status ENUM('draft', 'published', 'archived') NOT NULL,
    visibility ENUM('public', 'private') NOT NULL
);
INSERT INTO posts VALUES (1, 'Old news', 'archived', 'public');

-- schemaguard plan --mode force (sqlite)

-- step 1: drop_table posts [force_reset, drop_table] (loses 1 row(s))
--   force_reset: every declared table is dropped and created again, empty
--   drop_table: the table and every row in it are gone after this step
DROP TABLE posts;

-- step 2: drop_table users [force_reset, drop_table] (loses 2 row(s))
--   force_reset: every declared table is dropped and created again, empty
--   drop_table: the table and every row in it are gone after this step
DROP TABLE users;

-- step 3: drop_table events [force_reset, drop_table] (loses 1 row(s))
--   force_reset: every declared table is dropped and created again, empty
--   drop_table: the table and every row in it are gone after this step
DROP TABLE events;

-- step 4: drop_table category [force_reset, drop_table] (loses 1 row(s))
--   force_reset: every declared table is dropped and created again, empty
--   drop_table: the table and every row in it are gone after this step
DROP TABLE category;

-- step 5: create_table categories
CREATE TABLE categories (
    id INTEGER NOT NULL,
    name VARCHAR(50),
    PRIMARY KEY (id),
    CONSTRAINT ck_categories_name CHECK (name <> 'music')
);

-- step 6: create_table events
CREATE TABLE events (
    id INTEGER NOT NULL,
    title VARCHAR(200) NOT NULL,
    PRIMARY KEY (id),
    CHECK (length(title) BETWEEN 1 AND 200)
);

-- step 7: create_table users
CREATE TABLE users (
    id INTEGER NOT NULL,
    email VARCHAR(200) NOT NULL,
    name VARCHAR(100) DEFAULT 'it''s: :anon',
    nick VARCHAR(50),
    code VARCHAR(10) DEFAULT 'b' NOT NULL,
    PRIMARY KEY (id),
    UNIQUE (email),
    CONSTRAINT ck_users_code CHECK (length(code) <= 2)
);

-- step 8: create_table posts
CREATE TABLE posts (
    id INTEGER NOT NULL,
    user_id INTEGER NOT NULL,
    body TEXT,
    old_ref INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);

-- step 9: create_table tags
CREATE TABLE tags (
    id INTEGER NOT NULL,
    post_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(post_id) REFERENCES posts (id)
);

-- step 10: create_index posts.user_id
CREATE INDEX ix_posts_user_id ON posts (user_id);

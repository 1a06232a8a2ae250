-- schemaguard plan --mode safe (sqlite)

-- step 1: create_table tags
CREATE TABLE tags (
    id INTEGER NOT NULL,
    post_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(post_id) REFERENCES posts (id)
);

-- step 2: add_column users.name
ALTER TABLE users ADD COLUMN name VARCHAR(100) DEFAULT 'it''s: :anon';

-- step 3: add_foreign_key posts.user_id
PRAGMA legacy_alter_table = ON;
CREATE TABLE _alembic_tmp_posts (
    id INTEGER,
    user_id INTEGER NOT NULL,
    body TEXT,
    old_ref INTEGER,
    PRIMARY KEY (id),
    CONSTRAINT fk_posts_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);
INSERT INTO _alembic_tmp_posts (id, user_id, body, old_ref) SELECT posts.id, posts.user_id, posts.body, posts.old_ref
FROM posts;
DROP TABLE posts;
ALTER TABLE _alembic_tmp_posts RENAME TO posts;
PRAGMA legacy_alter_table = OFF;

-- step 4: create_index posts.user_id
CREATE INDEX ix_posts_user_id ON posts (user_id);

-- step 5: add_unique users.email
CREATE UNIQUE INDEX uq_users_email ON users (email);

-- skipped by --mode safe:
--   rename_table categories: safe mode never renames: rename category to categories with --mode alter
--   alter_column events.title: safe mode never alters an existing column (type VARCHAR(100) -> VARCHAR(200))
--   alter_column events.title: safe mode never alters an existing column (set NOT NULL)
--   drop_column users.legacy: destructive: safe mode never drops
--   rename_column users.nick: safe mode never renames: rename nickname to nick with --mode alter
--   drop_index users.legacy: destructive: safe mode never drops

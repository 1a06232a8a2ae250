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

-- step 3: add_check events.title
PRAGMA legacy_alter_table = ON;
CREATE TABLE _alembic_tmp_events (
    id INTEGER,
    title VARCHAR(100),
    PRIMARY KEY (id),
    CONSTRAINT ck_events_id CHECK (id > 0),
    CONSTRAINT ck_events_title CHECK (length(title) BETWEEN 1 AND 200)
);
INSERT INTO _alembic_tmp_events (id, title) SELECT events.id, events.title
FROM events;
DROP TABLE events;
ALTER TABLE _alembic_tmp_events RENAME TO events;
PRAGMA legacy_alter_table = OFF;

-- step 4: add_foreign_key posts.user_id
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

-- step 5: create_index posts.user_id
CREATE INDEX ix_posts_user_id ON posts (user_id);

-- step 6: add_unique users.email
CREATE UNIQUE INDEX uq_users_email ON users (email);

-- skipped by --mode safe:
--   rename_table categories: safe mode never renames: rename category to categories with --mode alter
--   alter_column events.title: safe mode never alters an existing column (type VARCHAR(100) -> VARCHAR(200))
--   alter_column events.title: safe mode never alters an existing column (set NOT NULL)
--   drop_check events.id: destructive: safe mode never drops
--   drop_column users.legacy: destructive: safe mode never drops
--   rename_column users.nick: safe mode never renames: rename nickname to nick with --mode alter
--   drop_check users.code: safe mode never alters an existing column or constraint
--   drop_index users.legacy: destructive: safe mode never drops
--   add_check category.name: 1 row(s) of category break CHECK (name <> 'music'): fix them (SELECT * FROM category WHERE NOT (name <> 'music')), then sync again

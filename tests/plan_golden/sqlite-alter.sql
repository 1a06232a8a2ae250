-- schemaguard plan --mode alter (sqlite)

-- step 1: drop_index users.legacy
DROP INDEX ix_legacy;

-- step 2: create_table tags
CREATE TABLE tags (
    id INTEGER NOT NULL,
    post_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(post_id) REFERENCES posts (id)
);

-- step 3: rename_table categories [rename_table]
--   rename_table: code that still uses the old name fails at once; expand/contract: add the new name, move the code over, then remove the old one
ALTER TABLE category RENAME TO categories;

-- step 4: rename_column users.nick [rename_column]
--   rename_column: code that still uses the old name fails at once; expand/contract: add the new column, write both, move the readers, then drop the old one
ALTER TABLE users RENAME COLUMN nickname TO nick;

-- step 5: add_column users.name
ALTER TABLE users ADD COLUMN name VARCHAR(100) DEFAULT 'it''s: :anon';

-- step 6: alter_column events [column_type_change, set_not_null]
--   column_type_change: SQLite rebuilds the table: every row is copied while the database is locked for writes; values that do not convert make it fail
--   set_not_null: SQLite rebuilds the table: every row is copied, and any NULL makes it fail
PRAGMA legacy_alter_table = ON;
CREATE TABLE _alembic_tmp_events (
    id INTEGER,
    title VARCHAR(200) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT ck_events_title CHECK (length(title) BETWEEN 1 AND 200)
);
INSERT INTO _alembic_tmp_events (id, title) SELECT events.id, events.title
FROM events;
DROP TABLE events;
ALTER TABLE _alembic_tmp_events RENAME TO events;
PRAGMA legacy_alter_table = OFF;

-- step 7: add_foreign_key posts.user_id
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

-- step 8: create_index posts.user_id
CREATE INDEX ix_posts_user_id ON posts (user_id);

-- step 9: add_unique users.email
CREATE UNIQUE INDEX uq_users_email ON users (email);

-- skipped by --mode alter:
--   drop_column users.legacy: destructive: alter mode never runs destructive steps
--   add_check categories.name: 1 row(s) of categories break CHECK (name <> 'music'): fix them (SELECT * FROM categories WHERE NOT (name <> 'music')), then sync again
--   add_check users.code: SQLite needs a table rebuild, which cannot be done here: this plan also renames columns of the table; sync again after the renames

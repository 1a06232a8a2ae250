-- schemaguard plan --mode safe (postgresql)

-- step 1: create_table tags
CREATE TABLE tags (
    id SERIAL NOT NULL,
    post_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(post_id) REFERENCES posts (id)
);

-- step 2: add_column users.name
ALTER TABLE users ADD COLUMN name VARCHAR(100) DEFAULT 'it''s: :anon';

-- step 3: create_index posts.user_id [create_index_blocking]
--   create_index_blocking: blocks writes to the table while the index builds; on a large table use CREATE INDEX CONCURRENTLY (outside a transaction) in a migration
CREATE INDEX ix_posts_user_id ON posts (user_id);

-- step 4: add_unique users.email [create_index_blocking]
--   create_index_blocking: blocks writes to the table while the index builds; on a large table use CREATE INDEX CONCURRENTLY (outside a transaction) in a migration
ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email);

-- step 5: add_foreign_key posts.user_id [add_foreign_key_validating]
--   add_foreign_key_validating: checks every row under a lock that blocks writes to both tables; on a large table add it NOT VALID, then VALIDATE CONSTRAINT in a later transaction
ALTER TABLE posts ADD CONSTRAINT fk_posts_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE;

-- step 6: add_check events.title
ALTER TABLE events ADD CONSTRAINT ck_events_title CHECK (length(title) BETWEEN 1 AND 200) NOT VALID;
ALTER TABLE events VALIDATE CONSTRAINT ck_events_title;

-- skipped by --mode safe:
--   rename_table categories: safe mode never renames: rename category to categories with --mode alter
--   alter_column events.id: making an existing key column auto-numbered is not planned yet; add the sequence or identity in a migration
--   alter_column events.title: safe mode never alters an existing column (type VARCHAR(100) -> VARCHAR(200))
--   alter_column events.title: safe mode never alters an existing column (set NOT NULL)
--   drop_check events.id: destructive: safe mode never drops
--   drop_column users.legacy: destructive: safe mode never drops
--   rename_column users.nick: safe mode never renames: rename nickname to nick with --mode alter
--   alter_column users.email: safe mode never alters an existing column (type VARCHAR(100) -> VARCHAR(200))
--   alter_column users.email: safe mode never alters an existing column (set NOT NULL)
--   alter_column users.code: safe mode never alters an existing column (default 'a' -> 'b')
--   drop_check users.code: safe mode never alters an existing column or constraint
--   drop_index users.legacy: destructive: safe mode never drops
--   drop_constraint posts.old_ref: destructive: safe mode never drops
--   alter_column category.id: making an existing key column auto-numbered is not planned yet; add the sequence or identity in a migration
--   add_check category.name: 1 row(s) of category break CHECK (name <> 'music'): fix them (SELECT * FROM category WHERE NOT (name <> 'music')), then sync again

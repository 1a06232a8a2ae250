-- schemaguard plan --mode alter (postgresql)

-- step 1: drop_constraint posts.old_ref
ALTER TABLE posts DROP CONSTRAINT posts_old_ref_fkey;

-- step 2: drop_check events.id
ALTER TABLE events DROP CONSTRAINT ck_events_id;

-- step 3: drop_check users.code
ALTER TABLE users DROP CONSTRAINT ck_users_code;

-- step 4: drop_index users.legacy
DROP INDEX ix_legacy;

-- step 5: create_table tags
CREATE TABLE tags (
    id SERIAL NOT NULL,
    post_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(post_id) REFERENCES posts (id)
);

-- step 6: rename_table categories [rename_table]
--   rename_table: code that still uses the old name fails at once; expand/contract: add the new name, move the code over, then remove the old one
ALTER TABLE category RENAME TO categories;

-- step 7: rename_column users.nick [rename_column]
--   rename_column: code that still uses the old name fails at once; expand/contract: add the new column, write both, move the readers, then drop the old one
ALTER TABLE users RENAME nickname TO nick;

-- step 8: add_column users.name
ALTER TABLE users ADD COLUMN name VARCHAR(100) DEFAULT 'it''s: :anon';

-- step 9: alter_column events.title
ALTER TABLE events ALTER COLUMN title TYPE VARCHAR(200);

-- step 10: alter_column events.title [set_not_null]
--   set_not_null: fails if any row holds NULL, and scans the table under an ACCESS EXCLUSIVE lock; on PostgreSQL 12+ add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL
ALTER TABLE events ALTER COLUMN title SET NOT NULL;

-- step 11: alter_column users.email
ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(200);

-- step 12: alter_column users.email [set_not_null]
--   set_not_null: fails if any row holds NULL, and scans the table under an ACCESS EXCLUSIVE lock; on PostgreSQL 12+ add CHECK (col IS NOT NULL) NOT VALID, VALIDATE it, then SET NOT NULL
ALTER TABLE users ALTER COLUMN email SET NOT NULL;

-- step 13: alter_column users.code
ALTER TABLE users ALTER COLUMN code SET DEFAULT 'b';

-- step 14: create_index posts.user_id [create_index_blocking]
--   create_index_blocking: blocks writes to the table while the index builds; on a large table use CREATE INDEX CONCURRENTLY (outside a transaction) in a migration
CREATE INDEX ix_posts_user_id ON posts (user_id);

-- step 15: add_unique users.email [create_index_blocking]
--   create_index_blocking: blocks writes to the table while the index builds; on a large table use CREATE INDEX CONCURRENTLY (outside a transaction) in a migration
ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email);

-- step 16: add_foreign_key posts.user_id [add_foreign_key_validating]
--   add_foreign_key_validating: checks every row under a lock that blocks writes to both tables; on a large table add it NOT VALID, then VALIDATE CONSTRAINT in a later transaction
ALTER TABLE posts ADD CONSTRAINT fk_posts_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE;

-- step 17: add_check events.title
ALTER TABLE events ADD CONSTRAINT ck_events_title CHECK (length(title) BETWEEN 1 AND 200) NOT VALID;
ALTER TABLE events VALIDATE CONSTRAINT ck_events_title;

-- step 18: add_check users.code
ALTER TABLE users ADD CONSTRAINT ck_users_code CHECK (length(code) <= 2) NOT VALID;
ALTER TABLE users VALIDATE CONSTRAINT ck_users_code;

-- skipped by --mode alter:
--   alter_column events.id: making an existing key column auto-numbered is not planned yet; add the sequence or identity in a migration
--   drop_column users.legacy: destructive: alter mode never runs destructive steps
--   alter_column categories.id: making an existing key column auto-numbered is not planned yet; add the sequence or identity in a migration
--   add_check categories.name: 1 row(s) of categories break CHECK (name <> 'music'): fix them (SELECT * FROM categories WHERE NOT (name <> 'music')), then sync again

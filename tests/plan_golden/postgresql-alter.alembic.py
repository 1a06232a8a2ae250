"""schemaguard golden plan

Written by schemaguard plan --mode alter --format alembic (postgresql).

Not in this revision (skipped by --mode alter):
- alter_column events.id: making an existing key column auto-numbered is not planned yet; add the sequence or identity in a migration
- drop_column users.legacy: destructive: alter mode never runs destructive steps
- alter_column categories.id: making an existing key column auto-numbered is not planned yet; add the sequence or identity in a migration
- add_check categories.name: 1 row(s) of categories break CHECK (name <> 'music'): fix them (SELECT * FROM categories WHERE NOT (name <> 'music')), then sync again

Revision ID: 0001
Revises:
Create Date: 2026-11-24 12:00:00
"""

from __future__ import annotations

from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    # step 1: drop_constraint posts.old_ref
    op.execute(r"ALTER TABLE posts DROP CONSTRAINT posts_old_ref_fkey")
    # step 2: drop_check events.id
    op.execute(r"ALTER TABLE events DROP CONSTRAINT ck_events_id")
    # step 3: drop_check users.code
    op.execute(r"ALTER TABLE users DROP CONSTRAINT ck_users_code")
    # step 4: drop_index users.legacy
    op.execute(r"DROP INDEX ix_legacy")
    # step 5: create_table tags
    op.execute(r"""
CREATE TABLE tags (
    id SERIAL NOT NULL,
    post_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(post_id) REFERENCES posts (id)
)
""")
    # step 6: rename_table categories [rename_table]
    op.execute(r"ALTER TABLE category RENAME TO categories")
    # step 7: rename_column users.nick [rename_column]
    op.execute(r"ALTER TABLE users RENAME nickname TO nick")
    # step 8: add_column users.name
    op.execute(r"ALTER TABLE users ADD COLUMN name VARCHAR(100) DEFAULT 'it''s: \:anon'")
    # step 9: alter_column events.title
    op.execute(r"ALTER TABLE events ALTER COLUMN title TYPE VARCHAR(200)")
    # step 10: alter_column events.title [set_not_null]
    op.execute(r"ALTER TABLE events ALTER COLUMN title SET NOT NULL")
    # step 11: alter_column users.email
    op.execute(r"ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(200)")
    # step 12: alter_column users.email [set_not_null]
    op.execute(r"ALTER TABLE users ALTER COLUMN email SET NOT NULL")
    # step 13: alter_column users.code
    op.execute(r"ALTER TABLE users ALTER COLUMN code SET DEFAULT 'b'")
    # step 14: create_index posts.user_id [create_index_blocking]
    op.execute(r"CREATE INDEX ix_posts_user_id ON posts (user_id)")
    # step 15: add_unique users.email [create_index_blocking]
    op.execute(r"ALTER TABLE users ADD CONSTRAINT uq_users_email UNIQUE (email)")
    # step 16: add_foreign_key posts.user_id [add_foreign_key_validating]
    op.execute(r"ALTER TABLE posts ADD CONSTRAINT fk_posts_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE")
    # step 17: add_check events.title
    op.execute(r"ALTER TABLE events ADD CONSTRAINT ck_events_title CHECK (length(title) BETWEEN 1 AND 200) NOT VALID")
    op.execute(r"ALTER TABLE events VALIDATE CONSTRAINT ck_events_title")
    # step 18: add_check users.code
    op.execute(r"ALTER TABLE users ADD CONSTRAINT ck_users_code CHECK (length(code) <= 2) NOT VALID")
    op.execute(r"ALTER TABLE users VALIDATE CONSTRAINT ck_users_code")


def downgrade() -> None:
    # undo step 18: add_check users.code
    op.execute(r"ALTER TABLE users DROP CONSTRAINT ck_users_code")
    # undo step 17: add_check events.title
    op.execute(r"ALTER TABLE events DROP CONSTRAINT ck_events_title")
    # undo step 16: add_foreign_key posts.user_id
    op.execute(r"ALTER TABLE posts DROP CONSTRAINT fk_posts_user_id_users")
    # undo step 15: add_unique users.email
    op.execute(r"ALTER TABLE users DROP CONSTRAINT uq_users_email")
    # undo step 14: create_index posts.user_id
    op.execute(r"DROP INDEX ix_posts_user_id")
    # undo step 13: alter_column users.code
    op.execute(r"ALTER TABLE users ALTER COLUMN code SET DEFAULT 'a'")
    # undo step 12: alter_column users.email
    op.execute(r"ALTER TABLE users ALTER COLUMN email DROP NOT NULL")
    # undo step 11: alter_column users.email
    op.execute(r"ALTER TABLE users ALTER COLUMN email TYPE VARCHAR(100)")
    # undo step 10: alter_column events.title
    op.execute(r"ALTER TABLE events ALTER COLUMN title DROP NOT NULL")
    # undo step 9: alter_column events.title
    op.execute(r"ALTER TABLE events ALTER COLUMN title TYPE VARCHAR(100)")
    # undo step 8: add_column users.name
    op.execute(r"ALTER TABLE users DROP COLUMN name")
    # undo step 7: rename_column users.nick
    op.execute(r"ALTER TABLE users RENAME nick TO nickname")
    # undo step 6: rename_table categories
    op.execute(r"ALTER TABLE categories RENAME TO category")
    # undo step 5: create_table tags
    op.execute(r"DROP TABLE tags")
    # undo step 4: drop_index users.legacy
    op.execute(r"CREATE INDEX ix_legacy ON public.users USING btree (legacy) WHERE (legacy > 0)")
    # undo step 3: drop_check users.code
    op.execute(r"ALTER TABLE users ADD CONSTRAINT ck_users_code CHECK (length(code::text) <= 5)")
    # undo step 2: drop_check events.id
    op.execute(r"ALTER TABLE events ADD CONSTRAINT ck_events_id CHECK (id > 0)")
    # undo step 1: drop_constraint posts.old_ref
    op.execute(r"ALTER TABLE posts ADD CONSTRAINT posts_old_ref_fkey FOREIGN KEY(old_ref) REFERENCES users (id) ON DELETE SET NULL")

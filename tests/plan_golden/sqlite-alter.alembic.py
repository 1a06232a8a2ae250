"""schemaguard golden plan

Written by schemaguard plan --mode alter --format alembic (sqlite).

Not in this revision (skipped by --mode alter):
- drop_column users.legacy: destructive: alter mode never runs destructive steps
- add_check categories.name: 1 row(s) of categories break CHECK (name <> 'music'): fix them (SELECT * FROM categories WHERE NOT (name <> 'music')), then sync again
- add_check users.code: SQLite needs a table rebuild, which cannot be done here: this plan also renames columns of the table; sync again after the renames

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
    # step 1: drop_index users.legacy
    op.execute(r"DROP INDEX ix_legacy")
    # step 2: create_table tags
    op.execute(r"""
CREATE TABLE tags (
    id INTEGER NOT NULL,
    post_id INTEGER,
    PRIMARY KEY (id),
    FOREIGN KEY(post_id) REFERENCES posts (id)
)
""")
    # step 3: rename_table categories [rename_table]
    op.execute(r"ALTER TABLE category RENAME TO categories")
    # step 4: rename_column users.nick [rename_column]
    op.execute(r"ALTER TABLE users RENAME COLUMN nickname TO nick")
    # step 5: add_column users.name
    op.execute(r"ALTER TABLE users ADD COLUMN name VARCHAR(100) DEFAULT 'it''s: \:anon'")
    # step 6: alter_column events [column_type_change, set_not_null] (SQLite rebuild: title: type VARCHAR(100) -> VARCHAR(200); title: set NOT NULL; add CHECK (length(title) BETWEEN 1 AND 200); drop CHECK (id > 0))
    op.execute(r"PRAGMA legacy_alter_table = ON")
    op.execute(r"""
CREATE TABLE _alembic_tmp_events (
    id INTEGER,
    title VARCHAR(200) NOT NULL,
    PRIMARY KEY (id),
    CONSTRAINT ck_events_title CHECK (length(title) BETWEEN 1 AND 200)
)
""")
    op.execute(r"""
INSERT INTO _alembic_tmp_events (id, title) SELECT events.id, events.title
FROM events
""")
    op.execute(r"DROP TABLE events")
    op.execute(r"ALTER TABLE _alembic_tmp_events RENAME TO events")
    op.execute(r"PRAGMA legacy_alter_table = OFF")
    # step 7: add_foreign_key posts.user_id (SQLite rebuild: add FOREIGN KEY (user_id) REFERENCES users (id))
    op.execute(r"PRAGMA legacy_alter_table = ON")
    op.execute(r"""
CREATE TABLE _alembic_tmp_posts (
    id INTEGER,
    user_id INTEGER NOT NULL,
    body TEXT,
    old_ref INTEGER,
    PRIMARY KEY (id),
    CONSTRAINT fk_posts_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
)
""")
    op.execute(r"""
INSERT INTO _alembic_tmp_posts (id, user_id, body, old_ref) SELECT posts.id, posts.user_id, posts.body, posts.old_ref
FROM posts
""")
    op.execute(r"DROP TABLE posts")
    op.execute(r"ALTER TABLE _alembic_tmp_posts RENAME TO posts")
    op.execute(r"PRAGMA legacy_alter_table = OFF")
    # step 8: create_index posts.user_id
    op.execute(r"CREATE INDEX ix_posts_user_id ON posts (user_id)")
    # step 9: add_unique users.email
    op.execute(r"CREATE UNIQUE INDEX uq_users_email ON users (email)")


def downgrade() -> None:
    raise NotImplementedError(r"this revision cannot be downgraded: step 6 (alter_column events): a SQLite table rebuild is not reversed automatically; step 7 (add_foreign_key posts.user_id): a SQLite table rebuild is not reversed automatically")

"""raw sql

Revision ID: a29
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa  # noqa: F401  (Alembic's template always imports it)
from alembic import op

revision = "a29"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE users SET active = true WHERE active IS NULL")
    op.execute("ALTER TABLE users ADD COLUMN;")  # expect: unparseable_sql


def downgrade():
    pass

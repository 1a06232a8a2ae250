"""rename tables

Revision ID: a13
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa  # noqa: F401  (Alembic's template always imports it)
from alembic import op

revision = "a13"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.rename_table("users", "accounts")  # expect: rename_table


def downgrade():
    op.rename_table("accounts", "users")  # expect: rename_table

"""rename a new table

Revision ID: a14
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a14"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("new_accounts", sa.Column("id", sa.BigInteger(), primary_key=True))
    op.rename_table("new_accounts", "accounts_v2")
    op.create_index("ix_accounts_v2_id", "accounts_v2", ["id"])


def downgrade():
    pass

"""tenant column, safe

Revision ID: a12
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a12"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("tenant_id", sa.BigInteger(), nullable=False, server_default="0"))
    op.add_column("users", sa.Column("nickname", sa.Text()))
    op.add_column("users", sa.Column("uid", sa.BigInteger(), sa.Identity(), nullable=False))
    op.create_table("plans", sa.Column("id", sa.BigInteger(), primary_key=True))
    op.add_column("plans", sa.Column("code", sa.Text(), nullable=False))


def downgrade():
    pass

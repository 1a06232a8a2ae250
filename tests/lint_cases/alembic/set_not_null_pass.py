"""not null, the safe way

Revision ID: a10
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a10"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.create_check_constraint("users_email_not_null", "users", "email IS NOT NULL", postgresql_not_valid=True)
    op.alter_column("users", "nickname", nullable=True)
    op.alter_column("users", "email", existing_nullable=False, nullable=False, existing_type=sa.Text())
    op.create_table("tags", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("label", sa.Text()))
    op.alter_column("tags", "label", nullable=False)


def downgrade():
    pass

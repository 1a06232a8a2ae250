"""tenant column

Revision ID: a11
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a11"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("tenant_id", sa.BigInteger(), nullable=False))  # expect: add_not_null_column_without_default
    with op.batch_alter_table("orders") as batch_op:
        batch_op.add_column(sa.Column("region", sa.Text(), nullable=False, default="eu"))  # expect: add_not_null_column_without_default
    op.add_column("payments", sa.Column("ref", sa.Uuid(), primary_key=True))  # expect: add_not_null_column_without_default, create_index_blocking


def downgrade():
    pass

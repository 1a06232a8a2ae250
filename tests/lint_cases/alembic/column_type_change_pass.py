"""safe type changes

Revision ID: a8
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a8"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("users", "email", type_=sa.Text(), existing_type=sa.String(100))
    op.create_table("counters", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("n", sa.Integer()))
    op.alter_column("counters", "n", type_=sa.BigInteger(), existing_type=sa.Integer())


def downgrade():
    pass

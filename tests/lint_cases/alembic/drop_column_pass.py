"""scratch column

Revision ID: a4
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a4"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("scratch", sa.Integer(), nullable=True))
    op.drop_column("users", "scratch")
    op.create_table("carts", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("note", sa.Text()))
    with op.batch_alter_table("carts") as batch_op:
        batch_op.drop_column("note")


def downgrade():
    pass

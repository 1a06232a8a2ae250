"""rename new columns

Revision ID: a16
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a16"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column("users", sa.Column("nick", sa.Text()))
    op.alter_column("users", "nick", new_column_name="nickname")
    op.create_table("profiles", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("bio", sa.Text()))
    op.alter_column("profiles", "bio", new_column_name="about")


def downgrade():
    pass

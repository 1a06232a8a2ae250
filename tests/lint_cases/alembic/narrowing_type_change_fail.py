"""narrow columns

Revision ID: a5
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a5"
down_revision = "0000base"
branch_labels = None
depends_on = None

NAME_LENGTH = 50


def upgrade():
    op.alter_column(  # expect: narrowing_type_change
        "users",
        "nickname",
        type_=sa.String(length=NAME_LENGTH),
        existing_type=sa.String(length=255),
        existing_nullable=True,
    )
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.alter_column("balance", type_=sa.Integer(), existing_type=sa.BigInteger())  # expect: narrowing_type_change
    op.alter_column("orders", "status", type_=sa.Enum("new", "paid", name="status"),  # expect: narrowing_type_change
                    existing_type=sa.Enum("new", "paid", "refunded", name="status"))


def downgrade():
    pass

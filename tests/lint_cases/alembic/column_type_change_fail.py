"""change types

Revision ID: a7
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a7"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("events", "counter", type_=sa.BigInteger(), existing_type=sa.Integer())  # expect: column_type_change
    with op.batch_alter_table("events") as batch_op:
        batch_op.alter_column("payload", type_=sa.JSON)  # expect: column_type_change
    op.alter_column("trials", "state",  # expect: column_type_change
                    type_=sa.Enum("RUNNING", "COMPLETE", "WAITING", name="trialstate"),
                    existing_type=sa.Enum("RUNNING", "COMPLETE", name="trialstate"))


def downgrade():
    pass

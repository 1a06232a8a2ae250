"""drop columns

Revision ID: a3
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa  # noqa: F401  (Alembic's template always imports it)
from alembic import op

revision = "a3"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_column("users", "legacy_code")  # expect: drop_column
    with op.batch_alter_table("orders", schema=None) as batch_op:
        batch_op.drop_column("coupon")  # expect: drop_column


def downgrade():
    pass

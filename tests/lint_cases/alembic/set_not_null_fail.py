"""require email

Revision ID: a9
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a9"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE users SET email = '' WHERE email IS NULL")
    op.alter_column("users", "email", nullable=False)  # expect: set_not_null
    with op.batch_alter_table("orders") as batch_op:
        batch_op.alter_column("placed_at", existing_type=sa.DateTime(), nullable=False)  # expect: set_not_null


def downgrade():
    pass

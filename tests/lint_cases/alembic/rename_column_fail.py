"""rename columns

Revision ID: a15
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a15"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("users", "email", new_column_name="email_address")  # expect: rename_column
    with op.batch_alter_table("users") as batch_op:
        batch_op.alter_column("name", new_column_name="full_name", existing_type=sa.Text())  # expect: rename_column


def downgrade():
    pass

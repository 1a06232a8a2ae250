"""empty sessions

Revision ID: a21
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a21"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("TRUNCATE sessions")  # expect: truncate_table
    op.execute(
        sa.text("TRUNCATE TABLE carts CASCADE")  # expect: truncate_table
    )


def downgrade():
    pass

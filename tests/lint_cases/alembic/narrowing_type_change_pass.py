"""widen columns

Revision ID: a6
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a6"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.alter_column("users", "nickname", type_=sa.String(255), existing_type=sa.String(50))
    op.alter_column("users", "bio", type_=sa.Text(), existing_type=sa.VARCHAR(length=500))
    op.alter_column("invoices", "amount", type_=sa.Numeric(14, 2), existing_type=sa.Numeric(10, 2))
    op.alter_column("users", "email", type_=sa.String(320), existing_type=sa.String(320), nullable=True)


def downgrade():
    pass

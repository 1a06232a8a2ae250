"""indexes

Revision ID: a17
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a17"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index(op.f("ix_users_email"), "users", ["email"], unique=True)  # expect: create_index_blocking
    with op.batch_alter_table("orders") as batch_op:
        batch_op.create_index("ix_orders_ref", ["ref"])  # expect: create_index_blocking
        batch_op.create_unique_constraint("uq_orders_ref", ["ref"])  # expect: create_index_blocking
    op.create_unique_constraint("uq_users_handle", "users", ["handle"])  # expect: create_index_blocking
    op.add_column("users", sa.Column("code", sa.Text(), unique=True))  # expect: create_index_blocking


def downgrade():
    op.drop_index(op.f("ix_users_email"), table_name="users")

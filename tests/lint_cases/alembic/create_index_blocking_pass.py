"""indexes, concurrently

Revision ID: a18
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a18"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    with op.get_context().autocommit_block():
        op.create_index("ix_users_email", "users", ["email"], postgresql_concurrently=True)
    op.create_table("tickets", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("event_id", sa.BigInteger()))
    op.create_index("ix_tickets_event", "tickets", ["event_id"])
    op.create_unique_constraint("uq_tickets_event", "tickets", ["event_id"])
    with op.get_context().autocommit_block():
        op.create_index("ux_users_handle", "users", ["handle"], unique=True, postgresql_concurrently=True)
    op.execute("ALTER TABLE users ADD CONSTRAINT ux_users_handle UNIQUE USING INDEX ux_users_handle")


def downgrade():
    with op.get_context().autocommit_block():
        op.drop_index("ix_users_email", table_name="users", postgresql_concurrently=True)

"""retire audit tables

Revision ID: a1
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a1"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.drop_table("audit_log")  # expect: drop_table
    op.drop_table("daily_totals", schema="reporting")  # expect: drop_table


def downgrade():
    op.create_table("audit_log", sa.Column("id", sa.BigInteger(), primary_key=True))

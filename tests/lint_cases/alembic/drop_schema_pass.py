"""reporting schema

Revision ID: a26
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa  # noqa: F401  (Alembic's template always imports it)
from alembic import op

revision = "a26"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("CREATE SCHEMA IF NOT EXISTS reporting")


def downgrade():
    pass

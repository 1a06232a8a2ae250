"""drop legacy schema

Revision ID: a25
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa  # noqa: F401  (Alembic's template always imports it)
from alembic import op

revision = "a25"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.execute("DROP SCHEMA legacy CASCADE")  # expect: drop_schema


def downgrade():
    op.execute("CREATE SCHEMA legacy")

"""staging truncate

Revision ID: a22
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a22"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("import_staging", sa.Column("id", sa.BigInteger()))
    op.execute("TRUNCATE import_staging")


def downgrade():
    pass

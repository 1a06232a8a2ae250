"""staging table

Revision ID: a2
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a2"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table("import_staging", sa.Column("id", sa.BigInteger(), primary_key=True))
    op.execute("INSERT INTO import_staging SELECT id FROM raw_events")
    op.drop_table("import_staging")
    op.drop_index("ix_users_old_email", table_name="users")


def downgrade():
    pass

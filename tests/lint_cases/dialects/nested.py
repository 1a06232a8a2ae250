"""Nested dialect tests, a conditional expression, and tests that cannot be decided (linted on
every database, as before)."""

import os

import sqlalchemy as sa
from alembic import op

revision = "d6"
down_revision = None


def upgrade():
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        if bind.dialect.name == "mysql":
            op.alter_column("t", "c", existing_type=sa.Integer(), type_=sa.SmallInteger())  # expect[mysql]: narrowing_type_change
        else:
            op.alter_column("t", "c", existing_type=sa.Integer(), type_=sa.BigInteger())  # expect[postgresql,mssql]: column_type_change
            if os.environ.get("BIG_TABLES"):
                op.drop_column("t", "d")  # expect[postgresql,mssql]: drop_column
    if os.environ.get("PURGE"):
        op.drop_table("scratch")  # expect: drop_table
    if bind.dialect.server_version_info >= (8, 0):
        op.drop_column("t", "e")  # expect: drop_column
    op.execute("DROP TABLE pg_stuff" if bind.dialect.name == "postgresql" else "DROP TABLE other_stuff")  # expect: drop_table


def downgrade():
    pass

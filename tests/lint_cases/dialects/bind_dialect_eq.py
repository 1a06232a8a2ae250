"""op.get_bind().dialect.name == "sqlite": batch mode on SQLite, plain ALTERs elsewhere (else:)."""

import sqlalchemy as sa
from alembic import op

revision = "d1"
down_revision = None


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        with op.batch_alter_table("users") as batch_op:
            batch_op.drop_column("legacy")  # expect[sqlite]: drop_column
            batch_op.alter_column("email", existing_type=sa.String(100), nullable=False)  # expect[sqlite]: set_not_null
    else:
        op.drop_column("users", "legacy")  # expect[postgresql,mysql,mssql]: drop_column
        op.alter_column("users", "email", existing_type=sa.String(100), nullable=False)  # expect[postgresql,mssql]: set_not_null  # expect[mysql]: set_not_null, column_type_change
    op.drop_table("audit")  # expect: drop_table


def downgrade():
    if op.get_bind().dialect.name != "sqlite":
        op.create_index("ix_users_email", "users", ["email"])  # expect[postgresql]: create_index_blocking

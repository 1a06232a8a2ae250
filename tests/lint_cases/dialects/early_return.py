"""A local holding the dialect name and early exits: a `return` (or `raise`) in a decided branch
ends the function on that database; `continue` ends a loop's turn."""

from alembic import op

revision = "d4"
down_revision = None


def upgrade():
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        # SQLite keeps the column: nothing to do there.
        return
    op.drop_column("jobs", "payload")  # expect[postgresql,mysql,mssql]: drop_column
    for table in ("a", "b"):
        if dialect == "mysql":
            continue
        op.drop_table(table)  # expect[postgresql,mssql]: drop_table


def downgrade():
    dialect_name = op.get_bind().dialect.name
    if dialect_name != "postgresql":
        raise NotImplementedError("only PostgreSQL can go back")
    op.drop_column("jobs", "payload_v2")  # expect[postgresql]: drop_column

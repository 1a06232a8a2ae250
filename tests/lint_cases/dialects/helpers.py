"""Helpers: one called with the dialect name that tests it inside, one returning a test of it,
one returning the name itself, one given the bind, and a nested function reading a local. The
first is called twice, so on SQLite its drop is reported twice."""

from alembic import context, op

revision = "d5"
down_revision = None


def get_dialect() -> str:
    """The running database's name."""
    return context.get_context().dialect.name


def is_sqlite() -> bool:
    return get_dialect() == "sqlite"


def _drop_trigger_table(dialect_name: str) -> None:
    if dialect_name == "sqlite":
        op.drop_table("trigger_log")  # expect[sqlite]: drop_table, drop_table


def _rebuild(bind, table):
    if bind.dialect.name == "mysql":
        op.execute(f"ALTER TABLE {table} ENGINE=InnoDB")
        op.drop_column(table, "shadow")  # expect[mysql]: drop_column


def upgrade():
    dialect_name = op.get_bind().dialect.name
    _drop_trigger_table(dialect_name)
    _drop_trigger_table(dialect_name=op.get_bind().dialect.name)  # the keyword form
    if not is_sqlite():
        op.alter_column("events", "kind", new_column_name="type")  # expect[postgresql,mssql]: rename_column  # expect[mysql]: rename_column, column_type_change
    if get_dialect() in ("postgresql",):
        op.drop_column("events", "old")  # expect[postgresql]: drop_column
    _rebuild(op.get_bind(), "events")

    def _local() -> None:
        if dialect_name == "postgresql":
            op.drop_table("pg_only")  # expect[postgresql]: drop_table

    _local()


def downgrade():
    pass

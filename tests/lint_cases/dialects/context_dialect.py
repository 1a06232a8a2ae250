"""context.get_context().dialect.name, op.get_context().dialect.name with startswith, and tests
combined with `and`/`or`/`not`."""

from alembic import context, op

revision = "d3"
down_revision = None


def upgrade():
    if context.get_context().dialect.name == "postgresql":
        op.execute("ALTER TABLE orders ALTER COLUMN total SET NOT NULL")  # expect[postgresql]: set_not_null
    if op.get_context().dialect.name.startswith("postgres"):
        op.create_index("ix_orders_total", "orders", ["total"])  # expect[postgresql]: create_index_blocking
    if op.get_context().dialect.name.startswith(("mysql", "sqlite")):
        op.drop_column("orders", "coupon")  # expect[sqlite,mysql]: drop_column
    if not op.get_context().dialect.name == "sqlite" and op.get_context().dialect.name != "mysql":
        op.execute("TRUNCATE orders_archive")  # expect[postgresql,mssql]: truncate_table
    if op.get_context().dialect.name == "sqlite" or op.get_context().dialect.name == "mysql":
        op.execute("DELETE FROM orders_cache")  # expect[sqlite,mysql]: delete_all_rows


def downgrade():
    pass

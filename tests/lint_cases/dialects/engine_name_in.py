"""bind.engine.name with in (...), not in, elif chains and a local holding the bind."""

import sqlalchemy as sa
from alembic import op

revision = "d2"
down_revision = None


def upgrade():
    bind = op.get_bind()
    if bind.engine.name in ("mysql", "mariadb"):
        op.alter_column("runs", "status", existing_type=sa.String(20), type_=sa.String(10))  # expect[mysql]: narrowing_type_change
    elif bind.engine.name == "postgresql":
        op.create_foreign_key("fk_runs_users", "runs", "users", ["user_id"], ["id"])  # expect[postgresql]: add_foreign_key_validating
    else:
        op.rename_table("runs", "old_runs")  # expect[sqlite,mssql]: rename_table
    if bind.engine.name not in ("sqlite",):
        op.drop_column("runs", "notes")  # expect[postgresql,mysql,mssql]: drop_column
    if bind.dialect.name == "mssql":
        op.drop_table("runs")  # expect[mssql]: drop_table


def downgrade():
    pass

"""Alembic renders alter_column as MODIFY/CHANGE on MySQL (alembic/ddl/mysql.py): nullability falls
back to existing_nullable=, else NULL; the default to existing_server_default=, else none."""

import sqlalchemy as sa
from alembic import op

revision = "m1"
down_revision = None


def upgrade():
    op.add_column("users", sa.Column("status", sa.String(10), nullable=False, server_default="new"))
    op.alter_column("users", "status", type_=sa.String(20), existing_type=sa.String(10))  # expect: column_type_change
    op.alter_column("users", "status", type_=sa.String(30), existing_type=sa.String(20),
                    existing_nullable=False, existing_server_default="new")
    op.alter_column("users", "email", nullable=True, existing_type=sa.String(100))  # expect: column_type_change
    op.alter_column("users", "name", existing_type=sa.String(50), nullable=False,  # expect: set_not_null
                    existing_nullable=True, existing_server_default=None)
    op.alter_column("users", "bio", server_default="x")
    op.create_foreign_key("fk_users_org", "users", "orgs", ["org_id"], ["id"])  # expect: add_foreign_key_validating

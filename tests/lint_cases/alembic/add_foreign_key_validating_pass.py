"""foreign keys, not valid

Revision ID: a20
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a20"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.create_foreign_key("fk_payments_user", "payments", "users", ["user_id"], ["id"], postgresql_not_valid=True)
    op.execute("ALTER TABLE payments VALIDATE CONSTRAINT fk_payments_user")
    op.create_table("coupons", sa.Column("id", sa.BigInteger(), primary_key=True), sa.Column("order_id", sa.BigInteger()))
    op.create_foreign_key("fk_coupons_order", "coupons", "orders", ["order_id"], ["id"])


def downgrade():
    pass

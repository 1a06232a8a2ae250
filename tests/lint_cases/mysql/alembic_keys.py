"""Alembic's keys on MySQL: the foreign keys and indexes that create_table, create_index and
create_foreign_key declare, and the drop_index / drop_constraint that MySQL refuses (error 1553)
while a foreign key needs the index."""

import sqlalchemy as sa
from alembic import op

revision = "k1"
down_revision = None


def upgrade():
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", name="fk_orders_user")),
        sa.Column("shop_id", sa.Integer),
        sa.Column("code", sa.String(20), unique=True),
        sa.Index("ix_orders_shop", "shop_id", "id"),
        sa.ForeignKeyConstraint(["shop_id"], ["shops.id"], name="fk_orders_shop"),
    )
    op.drop_index("fk_orders_user", "orders")  # expect: add_foreign_key_validating
    op.drop_index("ix_orders_shop", table_name="orders")  # expect: add_foreign_key_validating
    op.create_index("ix_orders_shop_only", "orders", ["shop_id"])
    op.drop_index("ix_orders_shop", "orders")
    op.drop_constraint("code", "orders", type_="unique")
    op.create_foreign_key("fk_refund_order", "refunds", "orders", ["order_id"], ["id"])  # expect: add_foreign_key_validating
    with op.batch_alter_table("refunds") as batch_op:
        batch_op.drop_index("fk_refund_order")  # expect: add_foreign_key_validating
        batch_op.drop_constraint("fk_refund_order", type_="foreignkey")
        batch_op.drop_index("fk_refund_order")
    op.add_column("refunds", sa.Column("shop_id", sa.Integer, sa.ForeignKey("shops.id", name="fk_refund_shop")))
    op.drop_index("fk_refund_shop", "refunds")  # expect: add_foreign_key_validating

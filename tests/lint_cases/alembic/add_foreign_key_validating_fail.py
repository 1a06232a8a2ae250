"""foreign keys

Revision ID: a19
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a19"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.create_foreign_key("fk_payments_user", "payments", "users", ["user_id"], ["id"])  # expect: add_foreign_key_validating
    op.add_column("payments", sa.Column("event_id", sa.BigInteger(), sa.ForeignKey("events.id")))  # expect: add_foreign_key_validating
    with op.batch_alter_table("refunds") as batch_op:
        batch_op.create_foreign_key("fk_refunds_payment", "payments", ["payment_id"], ["id"])  # expect: add_foreign_key_validating


def downgrade():
    pass

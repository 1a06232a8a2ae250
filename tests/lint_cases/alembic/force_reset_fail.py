"""reset

Revision ID: a27
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa  # noqa: F401  (Alembic's template always imports it)
from alembic import op
from myapp.models import Base

revision = "a27"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    bind = op.get_bind()
    Base.metadata.drop_all(bind=bind)  # expect: force_reset
    Base.metadata.create_all(bind=bind)


def downgrade():
    pass

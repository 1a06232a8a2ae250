"""raw sql, valid

Revision ID: a30
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "a30"
down_revision = "0000base"
branch_labels = None
depends_on = None


def upgrade():
    op.execute(
        """
        CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            NEW.updated_at := now();
            RETURN NEW;
        END;
        $$;
        """
    )
    op.execute(sa.text("UPDATE users SET active = true WHERE active IS NULL"))


def downgrade():
    op.execute("DROP FUNCTION touch()")

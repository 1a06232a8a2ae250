"""purge

Revision ID: a23
Revises: 0000base
Create Date: 2024-05-01 10:00:00

"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy import orm

try:
    from sqlalchemy.orm import declarative_base
except ImportError:
    from sqlalchemy.ext.declarative import declarative_base

revision = "a23"
down_revision = "0000base"
branch_labels = None
depends_on = None


Base = declarative_base()


class Session(Base):
    __tablename__ = "user_sessions"
    id = sa.Column(sa.Integer, primary_key=True)


events = sa.table("events", sa.column("id"))


def upgrade():
    op.execute("DELETE FROM audit_log")  # expect: delete_all_rows
    session = orm.Session(bind=op.get_bind())
    session.query(Session).delete()  # expect: delete_all_rows
    op.execute(events.delete())  # expect: delete_all_rows
    stmt = sa.delete(Session)
    session.execute(stmt)  # expect: delete_all_rows


def downgrade():
    pass

"""purge, filtered

Revision ID: a24
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

revision = "a24"
down_revision = "0000base"
branch_labels = None
depends_on = None


Base = declarative_base()


class Session(Base):
    __tablename__ = "user_sessions"
    id = sa.Column(sa.Integer, primary_key=True)
    expired = sa.Column(sa.Boolean)


events = sa.table("events", sa.column("id"))


def upgrade():
    op.execute("DELETE FROM audit_log WHERE created_at < now() - interval '1 year'")
    session = orm.Session(bind=op.get_bind())
    session.query(Session).filter(Session.expired.is_(True)).delete()
    op.execute(events.delete().where(events.c.id < 100))
    session.execute(sa.delete(Session).where(Session.expired))


def downgrade():
    pass

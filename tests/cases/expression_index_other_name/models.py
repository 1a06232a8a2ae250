"""Expression indexes that exist in the database under other names (created by hand by a DBA).

Plain indexes are matched by their columns whatever their names (see index_missing_and_extra);
an expression index on the same expression, with the same uniqueness, is the same index too.
"""

from __future__ import annotations

from sqlalchemy import Index, String, func
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(String(255))
    name: Mapped[str] = mapped_column(String(120))


Index("ix_users_email_lower", func.lower(User.email), unique=True)
Index("ix_users_name_lower", func.lower(User.name))

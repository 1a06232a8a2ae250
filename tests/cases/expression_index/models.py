"""Expression indexes: one present under its declared name, one missing."""

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

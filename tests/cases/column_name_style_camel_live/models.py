"""The other direction: a database created by a Node.js app with camelCase columns, and Python
models written in snake_case without mapping the names. Each pair is one naming finding; the
primary key, the index and the foreign key built on those columns follow them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import TIMESTAMP, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(String(255))


class Membership(Base):
    __tablename__ = "memberships"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    group_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False, index=True)
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP)

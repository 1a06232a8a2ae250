"""An INTEGER foreign key column that references a BIGINT key: large ids do not fit."""

from __future__ import annotations

from sqlalchemy import BigInteger, ForeignKey, Integer, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(String(255))


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # An explicit Integer: left to itself, SQLAlchemy would give the column its target's BIGINT.
    user_id: Mapped[int] = mapped_column(Integer, ForeignKey("users.id"))

"""Foreign keys on the same columns that differ: ON DELETE action, and the target table."""

from __future__ import annotations

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(String(255))


class Admin(Base):
    __tablename__ = "admins"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(80))


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # the model cascades deletes; the database does not
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # the model points at users; the database at admins
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    # the model sets NULL on delete; the database does too: not a finding
    approver_id: Mapped[int | None] = mapped_column(ForeignKey("admins.id", ondelete="SET NULL"))

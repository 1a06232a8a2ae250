"""Indexes: two declared ones missing, two live ones undeclared (one of them unique)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import TIMESTAMP, Index, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    __table_args__ = (Index("ix_users_last_first", "last_name", "first_name"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    email: Mapped[str] = mapped_column(String(255), index=True)
    username: Mapped[str] = mapped_column(String(50))
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    # declared and present, under another name: not a finding
    country: Mapped[str] = mapped_column(String(2), index=True)

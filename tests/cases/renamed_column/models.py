"""The model renames users.name to full_name and says so with info={"renamed_from": "name"}."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    full_name: Mapped[str | None] = mapped_column(String(120), info={"renamed_from": "name"})
    email: Mapped[str] = mapped_column(String(255))

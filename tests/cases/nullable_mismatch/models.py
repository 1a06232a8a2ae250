"""NULL / NOT NULL differs, in both directions."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # nullable in the model, NOT NULL in the database: saving a user without one fails
    full_name: Mapped[str | None] = mapped_column(String(120))
    # NOT NULL in the model, nullable in the database: rows may hold NULLs the code never expects
    email: Mapped[str] = mapped_column(String(255))

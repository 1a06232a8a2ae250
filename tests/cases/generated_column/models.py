"""Generated (computed) columns: one as the database has it, one whose expression differs, one the
database holds as a plain column."""

from __future__ import annotations

from sqlalchemy import Computed, Integer
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Line(Base):
    __tablename__ = "lines"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    price: Mapped[int] = mapped_column(Integer)
    quantity: Mapped[int] = mapped_column(Integer)
    total: Mapped[int | None] = mapped_column(Integer, Computed("price * quantity", persisted=True))
    doubled: Mapped[int | None] = mapped_column(Integer, Computed("price * 2", persisted=True))
    tax: Mapped[int | None] = mapped_column(Integer, Computed("price / 10", persisted=True))

"""Declared types that differ from the live ones: some changes would narrow, some widen."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import BigInteger, Numeric, String, Text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "products"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    # narrowing: live VARCHAR(255) holds titles the declared VARCHAR(50) cannot
    title: Mapped[str] = mapped_column(String(50))
    # widening: every live VARCHAR(100) value fits in VARCHAR(255) / TEXT
    slug: Mapped[str] = mapped_column(String(255))
    summary: Mapped[str | None] = mapped_column(Text)
    # narrowing: live NUMERIC(12, 4) keeps four decimals, NUMERIC(10, 2) only two
    weight: Mapped[Decimal] = mapped_column(Numeric(10, 2))
    # widening: NUMERIC(10, 2) -> NUMERIC(14, 2)
    price: Mapped[Decimal] = mapped_column(Numeric(14, 2))
    # widening across integer sizes: INTEGER -> BIGINT
    views: Mapped[int] = mapped_column(BigInteger)
    # narrowing across integer sizes: BIGINT -> INTEGER
    stock: Mapped[int]

"""Models that mix snake_case and camelCase against a database that is snake_case throughout.

Each camelCase name pairs with its snake_case column or table (column_name_style, table_name_case)
and the mix itself is reported once per table that breaks the database's style.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import TIMESTAMP, ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column(String(80))
    last_name: Mapped[str] = mapped_column(String(80))
    createdAt: Mapped[datetime] = mapped_column(TIMESTAMP)


class OrderItem(Base):
    __tablename__ = "order_items"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    unit_price_cents: Mapped[int]
    shippedAt: Mapped[datetime | None] = mapped_column(TIMESTAMP)
    trackingCode: Mapped[str | None] = mapped_column(String(40))


class ProductReview(Base):
    __tablename__ = "productReviews"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    star_rating: Mapped[int]

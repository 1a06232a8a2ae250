"""Native enum labels: a label the database's type lacks (shared by two columns: one finding), a
label only the database has, and the same labels in another order."""

from __future__ import annotations

from sqlalchemy import Enum, ForeignKey
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


STATE = Enum("open", "paid", "refunded", name="order_state")


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    state: Mapped[str] = mapped_column(STATE)
    # The database's type also has 'unknown'.
    channel: Mapped[str] = mapped_column(Enum("web", "shop", name="order_channel"))
    # The database has them as ('high', 'low').
    priority: Mapped[str] = mapped_column(Enum("low", "high", name="order_priority"))


class OrderEvent(Base):
    __tablename__ = "order_events"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id"))
    # The same type as orders.state: the missing label is one finding for both columns.
    state: Mapped[str] = mapped_column(STATE)

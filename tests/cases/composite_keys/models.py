"""Composite primary, unique and foreign keys: matched as wholes, reported with no single column."""

from __future__ import annotations

from sqlalchemy import ForeignKeyConstraint, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class OrderLine(Base):
    __tablename__ = "order_lines"

    order_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    line_no: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sku: Mapped[str] = mapped_column(String(32))


class Shipment(Base):
    __tablename__ = "shipments"
    __table_args__ = (
        # present in the database: not a finding
        ForeignKeyConstraint(
            ["order_id", "line_no"],
            ["order_lines.order_id", "order_lines.line_no"],
            ondelete="CASCADE",
        ),
        UniqueConstraint("carrier", "tracking_no", name="uq_shipments_tracking"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    order_id: Mapped[int]
    line_no: Mapped[int]
    carrier: Mapped[str] = mapped_column(String(20))
    tracking_no: Mapped[str] = mapped_column(String(40))


class Refund(Base):
    __tablename__ = "refunds"
    __table_args__ = (
        # missing from the database
        ForeignKeyConstraint(
            ["order_id", "line_no"], ["order_lines.order_id", "order_lines.line_no"]
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    order_id: Mapped[int]
    line_no: Mapped[int]

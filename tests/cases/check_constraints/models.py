"""CHECK constraints compared by meaning: one the database lacks, one it has that the models do
not, one that changed, and several that the database prints back differently but mean the same."""

from __future__ import annotations

from sqlalchemy import Boolean, CheckConstraint, Integer, Numeric, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Product(Base):
    __tablename__ = "products"
    __table_args__ = (
        # Unchanged, in forms PostgreSQL rewrites: BETWEEN, IN, a negative numeric literal.
        CheckConstraint("stock BETWEEN 0 AND 1000", name="ck_products_stock"),
        CheckConstraint("status IN ('new', 'sold')"),
        CheckConstraint("price >= -1"),
        # Not in the database.
        CheckConstraint("length(sku) = 8", name="ck_products_sku"),
        # The database says discount <= 50.
        CheckConstraint("discount <= 90", name="ck_products_discount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    sku: Mapped[str] = mapped_column(String(8))
    stock: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(10))
    price: Mapped[float] = mapped_column(Numeric(10, 2))
    discount: Mapped[int] = mapped_column(Integer)
    # A column-level CHECK, unchanged.
    weight: Mapped[int] = mapped_column(Integer, CheckConstraint("weight > 0"))
    # SQLAlchemy's own CHECK (b IN (0, 1)) on SQLite: never a finding.
    active: Mapped[bool] = mapped_column(Boolean(create_constraint=True))
    # No CHECK in the model; the SQLite database has the one SQLAlchemy 1.3 made by default for a
    # Boolean: matched away, not check_extra.
    legacy: Mapped[bool] = mapped_column(Boolean())

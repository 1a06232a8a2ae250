"""Unique constraints: one declared and not enforced, one enforced and not declared."""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Account(Base):
    __tablename__ = "accounts"
    __table_args__ = (UniqueConstraint("tenant_id", "email", name="uq_accounts_tenant_email"),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    tenant_id: Mapped[int]
    email: Mapped[str] = mapped_column(String(255))
    username: Mapped[str] = mapped_column(String(50))
    # declared unique and enforced by a named constraint: not a finding
    api_key: Mapped[str] = mapped_column(String(64), unique=True)

"""Server defaults that differ: another value, one only in the model, one only in the database."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import TIMESTAMP, String, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Job(Base):
    __tablename__ = "jobs"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(20), server_default="queued")
    retries: Mapped[int] = mapped_column(server_default=text("3"))
    created_at: Mapped[datetime] = mapped_column(TIMESTAMP)
    # the same default spelled differently on each side: not a finding
    priority: Mapped[int] = mapped_column(server_default="5")

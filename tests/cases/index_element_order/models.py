"""Index elements with their ordering, as text and as SQL expressions (mlflow writes
`Index(..., sa.text("version_major DESC"))`): one index matches, one exists only ascending."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String, desc, func, text
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Release(Base):
    __tablename__ = "releases"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(100))
    major: Mapped[int] = mapped_column(Integer)
    minor: Mapped[int] = mapped_column(Integer)

    __table_args__ = (
        Index("ix_releases_latest", "name", text("major DESC"), text("minor DESC")),
        Index("ix_releases_recent", desc("major"), func.lower(text("name"))),
    )

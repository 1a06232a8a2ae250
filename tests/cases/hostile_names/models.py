"""Names with quotes, spaces, semicolons and non-ASCII letters, declared exactly as the database has
them: every one must be compared as the name it is, with no finding at all."""

from __future__ import annotations

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Weird(Base):
    __tablename__ = 'weird "name"; drop'
    __table_args__ = (UniqueConstraint("semi;colon", name='uq "weird"; semi'),)

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    first_name: Mapped[str] = mapped_column("first name", String(80))
    quoted: Mapped[str | None] = mapped_column('say "hi"', String(20), server_default="it's")
    semi: Mapped[str | None] = mapped_column("semi;colon", String(20))
    # format and bind-parameter markers, which a driver must not take for placeholders
    progress: Mapped[int | None] = mapped_column("100% :done", index=True)


class Cafe(Base):
    __tablename__ = "café"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    naive: Mapped[str] = mapped_column("naïve", String(40))
    weird_id: Mapped[int | None] = mapped_column(
        ForeignKey('weird "name"; drop.id', ondelete="CASCADE")
    )


Index("ix café naïve", Cafe.naive)


class Drop(Base):
    # A table named by an SQL keyword, with a column that differs from café only by its accent.
    __tablename__ = "select"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    cafe: Mapped[str | None] = mapped_column("cafe", String(10))

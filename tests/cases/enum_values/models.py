"""An Enum column whose live type allows a value the model does not know."""

from __future__ import annotations

from sqlalchemy import Enum, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Post(Base):
    __tablename__ = "posts"

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    title: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(Enum("draft", "published", name="post_status"))
    # the same values on both sides, in the same order: not a finding
    visibility: Mapped[str] = mapped_column(Enum("public", "private", name="post_visibility"))

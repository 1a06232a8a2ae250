"""Foreign keys: one declared and not enforced, one enforced and not declared (Table API)."""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

users = Table(
    "users",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("email", String(255), nullable=False),
)

posts = Table(
    "posts",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("author_id", Integer, ForeignKey("users.id"), nullable=False),
    Column("title", String(200), nullable=False),
)

comments = Table(
    "comments",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=False),
    Column("post_id", Integer, nullable=False),
    Column("body", Text, nullable=False),
)

"""The model keys order lines by (order_id, line_no); the database by order_id alone."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table

metadata = MetaData()

order_lines = Table(
    "order_lines",
    metadata,
    Column("order_id", Integer, primary_key=True, autoincrement=False),
    Column("line_no", Integer, primary_key=True, autoincrement=False),
    Column("sku", String(32), nullable=False),
)

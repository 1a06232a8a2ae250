"""The environment a database records for itself, as Rails' protected environments do.

The first sync stamps the database with the environment it ran in; a force reset is refused when
the database says it is not a development database, whatever the shell says. Changing the record
is an explicit `schemaguard stamp ENV`. The table is schemaguard's own bookkeeping, which `check`
ignores (`schemaguard_*`).
"""

from __future__ import annotations

import getpass
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlalchemy import Table
    from sqlalchemy.engine import Connection

TABLE_NAME = "schemaguard_environment"


@dataclass(frozen=True)
class Stamp:
    environment: str
    stamped_at: datetime
    stamped_by: str | None


def stamp_table(schema: str | None = None) -> Table:
    import sqlalchemy as sa

    md = sa.MetaData(schema=schema)
    return sa.Table(
        TABLE_NAME,
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("environment", sa.String(64), nullable=False),
        sa.Column("stamped_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("stamped_by", sa.String(200)),
        # One row only: the database has one environment. A table-level CHECK: MySQL/MariaDB do not
        # take a named CHECK written inside a column's definition.
        sa.CheckConstraint("id = 1", name="schemaguard_environment_one_row"),
    )


def read_stamp(conn: Connection, schema: str | None = None) -> Stamp | None:
    """The recorded environment, or None when the database was never stamped."""
    import sqlalchemy as sa

    if not sa.inspect(conn).has_table(TABLE_NAME, schema=schema):
        return None
    table = stamp_table(schema)
    row = conn.execute(sa.select(table.c.environment, table.c.stamped_at, table.c.stamped_by)).first()
    if row is None:
        return None
    return Stamp(environment=row[0], stamped_at=row[1], stamped_by=row[2])


def write_stamp(conn: Connection, environment: str, schema: str | None = None) -> Stamp | None:
    """Record `environment` (creating the table when needed) and return the previous stamp.

    Runs in the caller's transaction: a sync that fails leaves no stamp behind either.
    """
    import sqlalchemy as sa

    previous = read_stamp(conn, schema)
    table = stamp_table(schema)
    table.create(conn, checkfirst=True)
    values = {
        "environment": environment,
        "stamped_at": datetime.now(UTC),
        "stamped_by": _who(),
    }
    if previous is None:
        conn.execute(sa.insert(table).values(id=1, **values))
    else:
        conn.execute(sa.update(table).where(table.c.id == 1).values(**values))
    return previous


def _who() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return f"{user}@{socket.gethostname()}"[:200]

"""MySQL and MariaDB: what schemaguard knows of them so far (type spellings, read-only checks)."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from .base import Dialect

if TYPE_CHECKING:
    from sqlalchemy.engine import Connection

_MYSQL_ALIASES = {
    "INT": "INTEGER",
    "BOOL": "BOOLEAN",
    "DOUBLE PRECISION": "DOUBLE",
}


class MySQL(Dialect):
    name: ClassVar[str] = "mysql"
    title: ClassVar[str] = "MySQL"

    def begin_read_only(self, conn: Connection) -> None:
        conn.exec_driver_sql("SET TRANSACTION READ ONLY")

    def fold_type(self, name: str, args: list[str], array: str) -> tuple[str, list[str], str]:
        return _MYSQL_ALIASES.get(name, name), args, array

    # --- planning ---------------------------------------------------------------------------
    # The general answers (base.py) hold until MySQL plans are built and tested. Known to differ:
    # DROP TABLE is refused while another table's key references it (releases_referencing_keys,
    # with a referencing_keys query on information_schema), and ENUM is a column type, not a
    # named one (native_enum_types stays False).


DIALECT = MySQL()

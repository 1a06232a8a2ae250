"""MySQL and MariaDB: PyMySQL by default, read-only checks, the catalog read in bulk from
information_schema, and the type and default spellings these servers store as the same thing.

What the comparison has to know about these servers:
- integer display widths are spelling (`INT(11)` is `INTEGER`), `TINYINT(1)` is how a Boolean is
  stored, `FLOAT(25..53)`, `REAL` and `DOUBLE PRECISION` are `DOUBLE`, `NUMERIC` is `DECIMAL(10, 0)`;
- `TEXT(n)`/`BLOB(n)` become the smallest of TINY/-/MEDIUM/LONG that holds n characters (4 bytes
  each in utf8mb4) or bytes;
- a collation is reported where it differs from the table's, and compared only where the model
  states one; MariaDB's JSON is LONGTEXT COLLATE utf8mb4_bin and its UUID is native, where the
  models are compiled before the server is known (CHAR(32) for a Uuid);
- MariaDB quotes literal defaults in the catalog and writes `current_timestamp()`;
- `RESTRICT` and `NO ACTION` are one foreign-key action in InnoDB (checked at once either way);
- a foreign key needs an index: InnoDB makes one (named after the key, or its first column) when
  the model has none, and it is not drift;
- column names are case-insensitive on every server; table names follow `lower_case_table_names`;
- CHECK constraints are read from information_schema.CHECK_CONSTRAINTS (MariaDB 10.2.22+, MySQL
  8.0.16+; not compared on older servers), and MariaDB's own `json_valid(x)` CHECK on a JSON
  column is the server's, not drift;
- an index element's direction is recorded by MariaDB 10.8+ and MySQL 8 (older servers take DESC
  and build the index ascending) and its prefix length (`name(10)`, a model's `mysql_length`) by all;
- under explicit_defaults_for_timestamp=OFF (MariaDB before 10.10, MySQL 5.7) the first TIMESTAMP
  column gets DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP by itself, and the other NOT
  NULL ones a zero date: not drift where the model declares no default.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any, ClassVar

from ..errors import LockUnavailable, UsageError
from ..schema.defaults import normalize_default
from ..schema.expressions import generated_expression
from ..schema.snapshot import Check, Column, ForeignKey, Index, Schema, Table, UniqueConstraint
from .base import COLLATE, Dialect
from .mysql_defaults import default_in_ddl
from .mysql_keys import foreign_key_types_comparable, one_alter_table, read_collations
from .mysql_online import HAZARD_ADVICE, online_algorithm

if TYPE_CHECKING:
    from sqlalchemy.engine import URL, Connection
    from sqlalchemy.engine import Dialect as SADialect

_ALIASES = {
    "INT": "INTEGER",
    "INT4": "INTEGER",
    "INT8": "BIGINT",
    "INT2": "SMALLINT",
    "INT1": "TINYINT",
    "MIDDLEINT": "MEDIUMINT",
    "BOOL": "BOOLEAN",
    "DOUBLE PRECISION": "DOUBLE",
    # REAL is DOUBLE unless the server runs with sql_mode REAL_AS_FLOAT.
    "REAL": "DOUBLE",
    "NUMERIC": "DECIMAL",
    "DEC": "DECIMAL",
    "FIXED": "DECIMAL",
    "CHARACTER VARYING": "VARCHAR",
    "CHARACTER": "CHAR",
    "NATIONAL VARCHAR": "VARCHAR",
    "NVARCHAR": "VARCHAR",
    "NATIONAL CHAR": "CHAR",
    "NCHAR": "CHAR",
    "LONG VARCHAR": "MEDIUMTEXT",
    "LONG": "MEDIUMTEXT",
}
_INTEGERS = {"TINYINT", "SMALLINT", "MEDIUMINT", "INTEGER", "BIGINT"}
_TEMPORAL = {"DATETIME", "TIMESTAMP", "TIME"}
# Smallest type that holds n bytes: (limit, name) for the TEXT and BLOB families.
_SIZES = ((255, "TINY"), (65535, ""), (16777215, "MEDIUM"))
# Bytes per character when the model gives no character set: utf8mb4, the default of MariaDB
# 10.6+ and MySQL 8.
_TEXT_BYTES_PER_CHAR = 4
_DEFAULT_CHARSET = "utf8mb4"
# A character type with the BINARY attribute (after its CHARACTER SET, as SQLAlchemy writes it).
_BINARY_ATTRIBUTE = re.compile(
    r"^(?P<type>(?:NATIONAL\s+)?(?:VAR)?CHAR(?:\(\d+\))?|(?:TINY|MEDIUM|LONG)?TEXT(?:\(\d+\))?)"
    r"(?P<charset_clause>\s+(?:CHARACTER\s+SET|CHARSET)\s+(?P<charset>\w+))?\s+BINARY$",
    re.IGNORECASE,
)
_CHARSET = re.compile(r"\s+(?:CHARACTER\s+SET|CHARSET)\s+\S+", re.IGNORECASE)
_FLAGS = ("UNSIGNED", "SIGNED", "ZEROFILL")
_NOW_PRECISION = re.compile(r"^(?:current_timestamp|now|localtimestamp|localtime)\s*\(\s*(\d)\s*\)$")
# The defaults explicit_defaults_for_timestamp=OFF gives TIMESTAMP columns, as normalize_default folds them.
_IMPLICIT_NOW = re.compile(r"current_timestamp(\(\d\)|) on update current_timestamp\1")
_ZERO_DATE = re.compile(r"'0000-00-00 00:00:00(?:\.0+)?'")

class MySQL(Dialect):
    name: ClassVar[str] = "mysql"
    title: ClassVar[str] = "MySQL"

    # --- URLs and connections ---------------------------------------------------------------

    def with_default_driver(self, url: URL) -> URL:
        # `mysql://` and `mariadb://` get PyMySQL (pure Python: works after a plain pip install);
        # a driver the user wrote (`mysql+mysqldb://`) is kept.
        if url.drivername in ("mysql", "mariadb"):
            return url.set(drivername=f"{url.drivername}+pymysql")
        return url

    def as_written(self, url: URL) -> URL:
        if url.drivername in ("mysql+pymysql", "mariadb+pymysql"):
            return url.set(drivername=url.drivername.split("+")[0])
        return url

    def begin_read_only(self, conn: Connection) -> None:
        # The transaction itself is read-only: a user with only SELECT can run it, nothing is
        # created, and the server refuses any write inside it.
        conn.exec_driver_sql("START TRANSACTION READ ONLY")

    # CHECKs are read from information_schema.CHECK_CONSTRAINTS where the server has it (see
    # read_checks; older servers leave Table.checks unknown). Index elements' direction
    # (STATISTICS.COLLATION) and prefix length (SUB_PART) are read by both reading paths.
    compares_checks: ClassVar[bool] = True
    compares_index_options: ClassVar[bool] = True
    index_prefix_lengths: ClassVar[bool] = True
    check_sql: ClassVar[str | None] = "mysql"

    # --- one sync at a time -------------------------------------------------------------------

    # Every DDL statement commits at once: a step that fails leaves the earlier ones applied.
    transactional_ddl: ClassVar[bool] = False
    sync_lock_name: ClassVar[str] = "the named lock GET_LOCK('schemaguard_sync:<database>')"

    def take_sync_lock(self, conn: Connection, wait_ms: int) -> tuple[bool, Callable[[], None]]:
        """A named lock (GET_LOCK) on the sync's own connection. Named locks belong to the whole
        server, so the name carries the database's; the server releases it when the connection
        ends, however the process ends."""
        database = conn.exec_driver_sql("SELECT DATABASE()").scalar()
        name = f"schemaguard_sync:{database}"[:64]  # MySQL refuses longer lock names
        what = f"the named lock GET_LOCK('{name}')"
        if conn.exec_driver_sql("SELECT GET_LOCK(%s, 0)", (name,)).scalar() == 1:
            conn.commit()
            return False, lambda: _release(conn, name)
        got = conn.exec_driver_sql("SELECT GET_LOCK(%s, %s)", (name, max(0.001, wait_ms / 1000))).scalar()
        conn.commit()
        if got != 1:
            raise LockUnavailable(what, _lock_holder(conn, name))
        return True, lambda: _release(conn, name)

    def set_step_timeouts(self, conn: Connection, lock_ms: int, statement_ms: int) -> None:
        """lock_wait_timeout bounds the wait for a table's metadata lock (whole seconds, at least
        1); innodb_lock_wait_timeout the wait for row locks; MariaDB's max_statement_time bounds
        each statement (MySQL has no bound for DDL: max_execution_time covers SELECT only)."""
        seconds = max(1, -(-lock_ms // 1000))
        conn.exec_driver_sql(f"SET SESSION lock_wait_timeout = {seconds}")
        conn.exec_driver_sql(f"SET SESSION innodb_lock_wait_timeout = {seconds}")
        if conn.exec_driver_sql("SELECT @@version").scalar_one().lower().find("mariadb") >= 0:
            conn.exec_driver_sql(f"SET SESSION max_statement_time = {statement_ms / 1000:.3f}")
        conn.commit()

    def lock_failure(self, exc: BaseException) -> str | None:
        from sqlalchemy.exc import DBAPIError

        args = tuple(getattr(getattr(exc, "orig", exc), "args", ()))
        code = args[0] if args and isinstance(args[0], int) else None
        if code == 1205:  # ER_LOCK_WAIT_TIMEOUT: a metadata or row lock not had in time
            return "lock"
        if code in (1969, 3024):  # MariaDB max_statement_time, MySQL max_execution_time
            return "timeout"
        if isinstance(exc, DBAPIError) and exc.connection_invalidated:
            return "connection"
        # Server gone / lost / unreachable, connection killed, server shutting down; PyMySQL says
        # (0, '') for a connection it has already closed.
        if code in (2003, 2006, 2013, 1927, 1053, 1152, 0):
            return "connection"
        return None

    def lock_holders(self, conn: Connection, table: str, schema: str | None) -> str | None:
        """MySQL does not say who holds a table's metadata lock without performance_schema (or
        MariaDB's metadata_lock_info plugin); the sessions with an open InnoDB transaction are the
        ones that can, oldest first (needs the PROCESS privilege)."""
        rows = conn.exec_driver_sql(
            "SELECT p.ID, p.USER, p.HOST, p.COMMAND, TIMESTAMPDIFF(SECOND, t.trx_started, NOW()), "
            "LEFT(COALESCE(t.trx_query, p.INFO), 80) "
            "FROM information_schema.INNODB_TRX t JOIN information_schema.PROCESSLIST p "
            "ON p.ID = t.trx_mysql_thread_id WHERE p.ID <> CONNECTION_ID() ORDER BY t.trx_started LIMIT 3"
        ).all()
        conn.commit()
        out = []
        for pid, user, host, command, seconds, info in rows:
            last = f", last query {str(info).strip()!r}" if info else ""
            out.append(f"connection {pid} (user {user} from {host}; a transaction open for {seconds} s, "
                       f"{command}{last})")
        return ("sessions with an open transaction: " + "; ".join(out)) if out else None

    def error_detail(self, orig: BaseException) -> str | None:
        # PyMySQL and mysqlclient raise (code, message): keep the message.
        args: tuple[Any, ...] = tuple(getattr(orig, "args", ()))
        if len(args) >= 2 and isinstance(args[0], int) and isinstance(args[1], str):
            return args[1]
        return None

    def server_settings(self, conn: Connection) -> dict[str, Any]:
        setting, version, explicit_ts = conn.exec_driver_sql(
            "SELECT @@lower_case_table_names, @@version, @@explicit_defaults_for_timestamp").one()
        flavor = "mariadb" if "mariadb" in str(version).lower() else "mysql"
        return {
            "flavor": flavor,
            "lower_case_table_names": int(setting),
            "explicit_defaults_for_timestamp": bool(int(explicit_ts)),
            "index_directions": _records_directions(flavor == "mariadb", _version(str(version))),
        }

    # --- reflection -------------------------------------------------------------------------

    def reflect_catalog(
        self, conn: Connection, schema: str | None, wanted: Callable[[str], bool], label: str
    ) -> Schema | None:
        return reflect_catalog(conn, schema, wanted, label)

    def checks_by_table(self, conn: Connection, schema: str | None) -> dict[str, list[Check]] | None:
        # The inspector parses SHOW CREATE TABLE, where MariaDB writes a column-level CHECK inside
        # the column's line: it misses those. Both paths read information_schema instead.
        return read_checks(conn, schema or _database(conn))

    def index_element_options(self, conn: Connection, schema: str | None) -> dict[tuple[str, str], tuple[str, ...]]:
        # The inspector reads prefix lengths (mysql_length) but not DESC: both paths read STATISTICS.
        rows = conn.exec_driver_sql(_INDEX_OPTIONS, {"schema": schema or _database(conn)}).all()
        parts: dict[tuple[str, str], list[str]] = {}
        for table, index, collation, sub_part, index_type in rows:
            parts.setdefault((table, index), []).append(_element_options(collation, sub_part, index_type))
        return {key: tuple(options) for key, options in parts.items()}

    def live_autoincrement(self, column: Mapping[str, Any], primary_key: Sequence[str], type_text: str | None) -> bool:
        # The inspector reads AUTO_INCREMENT as autoincrement=True; False or None otherwise.
        return column.get("autoincrement") is True

    def fk_action(self, action: str) -> str:
        # InnoDB checks RESTRICT and NO ACTION at once, alike; SHOW CREATE TABLE leaves RESTRICT out.
        return "NO ACTION" if action == "RESTRICT" else action

    def implied_index(self, table: Table, index: Index) -> bool:
        """The index InnoDB made for a foreign key that had none: named after the key, or after its
        first column, on exactly the key's columns."""
        if index.unique:
            return False
        # Named after the key, else after its first column, numbered (_2, _3...) when that is taken.
        return any(
            index.columns == fk.columns
            and (index.name == fk.name or re.fullmatch(re.escape(fk.columns[0]) + r"(?:_\d+)?", str(index.name)))
            for fk in table.foreign_keys
        )

    # --- types ------------------------------------------------------------------------------

    def fold_type(self, name: str, args: list[str], array: str) -> tuple[str, list[str], str]:
        return _fold(name, tuple(args)) + (array,)

    def type_as_reflected(self, compiled: str, sa_dialect: SADialect) -> str:
        # `CHAR(36) BINARY` (Sequelize's UUID, SQLAlchemy's String(binary=True)) is not a type of
        # its own: the server stores the character set's binary collation and reads that back.
        m = _BINARY_ATTRIBUTE.match(compiled.strip())
        if m is None:
            return compiled
        charset = m.group("charset") or _DEFAULT_CHARSET
        return f"{m.group('type')}{m.group('charset_clause') or ''} COLLATE {charset.lower()}_bin"

    def sequelize_enum_is_native(self) -> bool:
        # Sequelize writes ENUM('a', 'b') into the column, labels as given.
        return True

    def canonical_type(self, type_: Any, sa_dialect: SADialect) -> str | None:
        from sqlalchemy.dialects.mysql import SET

        if isinstance(type_, SET):
            # Labels keep their case, as ENUM's do.
            return "SET(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in type_.values) + ")"
        return super().canonical_type(type_, sa_dialect)

    def same_type(self, declared: str, live: str) -> bool:
        if declared == live:
            return True
        d_collate, l_collate = COLLATE.search(declared), COLLATE.search(live)
        if l_collate and not d_collate:
            # The model states no collation: the column's own is not the model's business.
            live = live[: l_collate.start()]
            if declared == live:
                return True
        if d_collate and not l_collate and declared[: d_collate.start()] == live:
            # The live column has its table's collation (shown only where a column differs from
            # its table, as SHOW CREATE TABLE does): the model may be naming exactly that one.
            # Not knowing the table's default here, this is taken as the same type.
            return True
        # Models are compiled before the server is known: for MySQL's dialect a Uuid is CHAR(32)
        # and a JSON is JSON; MariaDB stores its native UUID and JSON as LONGTEXT utf8mb4_bin.
        return (declared, live) in (("CHAR(32)", "UUID"), ("JSON", "LONGTEXT"), ("JSON", "LONGTEXT COLLATE UTF8MB4_BIN"))

    # --- defaults ---------------------------------------------------------------------------

    def normalize_default(self, text: str | None, type_text: str | None) -> str | None:
        if text is None:
            return None
        if len(text) >= 2 and text[0] == text[-1] == "'" and "\\" in text:
            # MariaDB's catalog escapes quotes in a literal with a backslash ('it\'s').
            text = "'" + _unescape(text[1:-1]).replace("'", "''") + "'"
        if type_text and type_text.startswith("YEAR") and len(text) >= 2 and text[0] == text[-1] == "'":
            text = text[1:-1]  # YEAR is a number, quoted or not
        out = normalize_default(text, type_text)
        if out is None:
            return None
        # SQLAlchemy's MySQL inspector (and a model's server_default=text("... ON UPDATE ...")) puts
        # a TIMESTAMP's ON UPDATE clause after the default: each part is folded on its own.
        head, sep, on_update = out.partition(" on update ")
        if sep:
            return f"{_now(head) or head} on update {_now(on_update.strip()) or on_update.strip()}"
        return _now(out) or out

    def implicit_default(self, declared: Column, live: Column, table: Table, schema: Schema) -> bool:
        """Under explicit_defaults_for_timestamp=OFF the server gives the table's first TIMESTAMP
        column DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP, and every other TIMESTAMP
        NOT NULL column a zero date, when CREATE TABLE says neither NULL nor a default."""
        if schema.explicit_defaults_for_timestamp is not False or declared.default is not None:
            return False
        if live.nullable or not (live.type or "").startswith("TIMESTAMP") or live.default is None:
            return False
        first = next((c for c in table.columns if (c.type or "").startswith("TIMESTAMP")), None)
        if first is not None and first.name == live.name:
            return _IMPLICIT_NOW.fullmatch(live.default) is not None
        return _ZERO_DATE.fullmatch(live.default) is not None

    def type_generated_check(self, normalized: str, column_types: Mapping[str, str | None]) -> bool:
        # MariaDB's JSON is LONGTEXT with a CHECK (json_valid(x)) of the server's own making.
        # (column_types has its names lower-cased: column names are case-blind here.)
        return super().type_generated_check(normalized, column_types) or any(
            (type_ or "").startswith("LONGTEXT")
            and normalized.lower() == self.normalize_check("json_valid(`" + name.replace("`", "``") + "`)").lower()
            for name, type_ in column_types.items()
        )

    # --- reports ----------------------------------------------------------------------------

    def table_name_note(self, live: Schema) -> str | None:
        setting = live.lower_case_table_names
        if setting is None:
            return None
        if setting == 0:
            return (
                f"on this server (lower_case_table_names={setting}) table names are case-sensitive: "
                "the model's name does not reach this table"
            )
        return (
            f"this server folds table names (lower_case_table_names={setting}), so the app works here, "
            "but on a Linux server (lower_case_table_names=0) the names are different tables"
        )

    def column_case_harmless(self, declared: str, live: str) -> bool:
        return declared.lower() == live.lower()

    def column_name_note(self, declared: str, live: str) -> str | None:
        if declared.lower() == live.lower():
            return (
                f"{self.title} compares column names without regard to case, so queries reach "
                f"{live} on every {self.title} server and this difference is harmless here"
            )
        return f"{self.title} ignores case in column names but not underscores: {declared} is not {live}"

    # --- planning ---------------------------------------------------------------------------
    # ENUM is a column type, not a named one (native_enum_types stays False).

    # DROP TABLE is refused while another table's key references it (error 1451/3730): a force
    # reset drops those keys first and puts them back after.
    releases_referencing_keys: ClassVar[bool] = True

    restates_column_on_alter: ClassVar[bool] = True
    enum_labels_in_column_type: ClassVar[bool] = True
    foreign_key_makes_index: ClassVar[bool] = True
    #: With foreign_key_checks on, ADD FOREIGN KEY copies the table and checks every row.
    validates_new_foreign_keys: ClassVar[bool] = True

    def online_ddl(self, statement: str, operation: str, version: tuple[Any, ...] | None,
                   flavor: str | None) -> str:
        algorithm = online_algorithm(operation, version, flavor)
        if algorithm is None:
            return statement
        head = statement.lstrip().upper()
        # DROP INDEX ... ON: MariaDB 10.11 refuses the clauses there (error 1064); InnoDB drops an
        # index in place by itself anyway.
        if head.startswith(("CREATE INDEX", "CREATE UNIQUE INDEX")):
            # CREATE INDEX takes the clauses as index options, without commas.
            return f"{statement} ALGORITHM={algorithm}" + (" LOCK=NONE" if algorithm == "INPLACE" else "")
        if head.startswith("ALTER TABLE"):
            return f"{statement}, ALGORITHM={algorithm}" + (", LOCK=NONE" if algorithm == "INPLACE" else "")
        return statement

    def one_alter_table(self, statements: Sequence[str]) -> str | None:
        return one_alter_table(statements)

    foreign_key_needs_one_collation: ClassVar[bool] = True

    def collations(self, conn: Connection, schema: str | None) -> dict[tuple[str, str | None], str]:
        return read_collations(conn, schema or _database(conn))

    def create_index_if_missing(self, statement: str, flavor: str | None) -> str | None:
        # MariaDB 10.1.4+ has IF NOT EXISTS for an index; MySQL has not.
        return re.sub(r"\bINDEX\s+", "INDEX IF NOT EXISTS ", statement, count=1) if flavor == "mariadb" else None

    def foreign_key_types_comparable(self, local: str, referenced: str) -> bool:
        return foreign_key_types_comparable(local, referenced)

    @property
    def foreign_key_types_rule(self) -> str:
        return ("MySQL refuses a key between them (errno 150): integer and DECIMAL columns need the same size "
                "and sign, and other types the same type (MariaDB lets a few such pairs through, which "
                "schemaguard does not rely on)")

    def hazard_advice(self, hazard: str) -> str | None:
        return HAZARD_ADVICE.get(hazard)

    def default_in_ddl(self, sql: str, type_text: str | None) -> str:
        # Alembic's SET DEFAULT and MODIFY write a default as given; SQLAlchemy's CREATE TABLE and
        # ADD COLUMN parenthesize an expression themselves (and leave a parenthesized one be).
        return default_in_ddl(sql, type_text)

    def index_definition(self, conn: Connection, table: str, name: str, schema: str | None) -> str | None:
        """CREATE [UNIQUE] INDEX from information_schema.STATISTICS (prefix lengths and DESC kept)."""
        rows = conn.exec_driver_sql(
            "SELECT NON_UNIQUE, COLUMN_NAME, SUB_PART, COLLATION, INDEX_TYPE FROM information_schema.STATISTICS "
            "WHERE TABLE_SCHEMA = COALESCE(%s, DATABASE()) AND TABLE_NAME = %s AND INDEX_NAME = %s "
            "ORDER BY SEQ_IN_INDEX", (schema, table, name)).all()
        if not rows or name == "PRIMARY" or any(r[1] is None for r in rows):
            return None  # an expression index (MySQL 8) is not rebuilt from its columns here
        prep = conn.dialect.identifier_preparer
        kind = {"FULLTEXT": "FULLTEXT ", "SPATIAL": "SPATIAL "}.get(str(rows[0][4]).upper(), "")
        unique = "UNIQUE " if not int(rows[0][0]) and not kind else ""
        parts = [prep.quote(str(col)) + (f"({int(sub)})" if sub else "") + (" DESC" if coll == "D" else "")
                 for _nu, col, sub, coll, _t in rows]
        target = prep.quote(table) if schema is None else f"{prep.quote_schema(schema)}.{prep.quote(table)}"
        return f"CREATE {unique}{kind}INDEX {prep.quote(name)} ON {target} ({', '.join(parts)})"

    def referencing_keys(self, conn: Connection, tables: Sequence[str], schema: str | None) -> list[dict[str, Any]]:
        if not tables:
            return []
        marks = ", ".join(["%s"] * len(tables))
        rows = conn.exec_driver_sql(
            "SELECT rc.CONSTRAINT_SCHEMA, rc.TABLE_NAME, rc.CONSTRAINT_NAME, k.COLUMN_NAME, "
            "rc.UNIQUE_CONSTRAINT_SCHEMA, rc.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, rc.UPDATE_RULE, "
            "rc.DELETE_RULE FROM information_schema.REFERENTIAL_CONSTRAINTS rc "
            "JOIN information_schema.KEY_COLUMN_USAGE k ON k.CONSTRAINT_SCHEMA = rc.CONSTRAINT_SCHEMA "
            "AND k.TABLE_NAME = rc.TABLE_NAME AND k.CONSTRAINT_NAME = rc.CONSTRAINT_NAME "
            "AND k.REFERENCED_TABLE_NAME IS NOT NULL "
            f"WHERE rc.UNIQUE_CONSTRAINT_SCHEMA = COALESCE(%s, DATABASE()) AND rc.REFERENCED_TABLE_NAME IN ({marks}) "
            "ORDER BY rc.CONSTRAINT_SCHEMA, rc.TABLE_NAME, rc.CONSTRAINT_NAME, k.ORDINAL_POSITION",
            (schema, *tables)).all()
        keys: dict[tuple[str, str, str], dict[str, Any]] = {}
        for nsp, rel, name, col, ref_nsp, ref_rel, ref_col, upd, dele in rows:
            key = keys.setdefault((nsp, rel, name), {
                "schema": nsp, "table": rel, "name": name, "columns": (), "ref_schema": ref_nsp,
                "ref_table": ref_rel, "ref_columns": (), "ondelete": self.fk_action(str(dele)),
                "onupdate": self.fk_action(str(upd)),
            })
            key["columns"] += (col,)
            key["ref_columns"] += (ref_col,)
        return list(keys.values())

    def for_server(self, sa_dialect: SADialect, server: Any) -> None:
        # SQLAlchemy learns is_mariadb on connecting; a plan compiles without a connection.
        if getattr(server, "flavor", None) == "mariadb":
            sa_dialect.is_mariadb = True  # type: ignore[attr-defined]

    def unchecked_foreign_key(self, statements: list[str]) -> list[str] | None:
        """A foreign key added without checking the rows already there: MySQL has no NOT VALID,
        but with foreign_key_checks off for the statement the key is added as it stands (and in
        place, without copying the table); rows written afterwards are checked."""
        return ["SET SESSION foreign_key_checks = 0", *statements, "SET SESSION foreign_key_checks = 1"]

    def row_estimate(self, conn: Connection, table: str, schema: str | None) -> int | None:
        found = conn.exec_driver_sql(
            "SELECT TABLE_ROWS FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(%s, DATABASE()) "
            "AND TABLE_NAME = %s", (schema, table)).scalar()
        return int(found) if found is not None else None

    # limit_statement_time stays the general no-op: MariaDB's max_statement_time and MySQL's
    # max_execution_time are session variables, which would outlive the measurement on a pooled
    # connection. A table over EXACT_COUNT_LIMIT rows (row_estimate) is not counted at all.


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "0": "\0"}.get(m.group(1), m.group(1)), text)


_SAME_AS = {"curdate()": "current_date", "curtime()": "current_time"}


def _now(text: str) -> str | None:
    """CURRENT_TIMESTAMP(6), NOW(6) and MariaDB's current_timestamp(6) in one spelling; curdate()
    and curtime() as CURRENT_DATE and CURRENT_TIME."""
    if text in _SAME_AS:
        return _SAME_AS[text]
    if normalize_default(text) == "current_timestamp":
        return "current_timestamp"
    m = _NOW_PRECISION.match(text)
    if m:
        return "current_timestamp" if m.group(1) == "0" else f"current_timestamp({m.group(1)})"
    return None


@lru_cache(maxsize=4096)
def _fold(name: str, args: tuple[str, ...]) -> tuple[str, list[str]]:
    name = _CHARSET.sub("", " " + name).strip()
    words = name.split()
    flags = [w for w in _FLAGS if w in words]
    name = " ".join(w for w in words if w not in _FLAGS)
    if "ZEROFILL" in flags:
        flags = ["UNSIGNED"]  # ZEROFILL is display only, and implies UNSIGNED
    flags = [f for f in flags if f == "UNSIGNED"]
    name = _ALIASES.get(name, name)
    out: list[str] = list(args)
    if name == "TINYINT" and args == ("1",) and not flags:
        return "BOOLEAN", []
    if name in _INTEGERS or name == "YEAR":
        out = []  # a display width, not a size
    elif name == "FLOAT":
        if len(args) == 1 and args[0].isdigit():
            name, out = ("DOUBLE" if int(args[0]) > 24 else "FLOAT"), []
    elif name == "DECIMAL":
        out = [args[0] if args else "10", args[1] if len(args) > 1 else "0"]
    elif name in _TEMPORAL:
        if args == ("0",):
            out = []
    elif name in ("CHAR", "BINARY", "BIT") and not args:
        out = ["1"]
    elif name in ("TEXT", "BLOB") and args and args[0].isdigit():
        size = int(args[0]) * (_TEXT_BYTES_PER_CHAR if name == "TEXT" else 1)
        prefix = next((p for limit, p in _SIZES if size <= limit), "LONG")
        name, out = prefix + name, []
    if flags:
        name += " UNSIGNED"
    return name, out


# --- the catalog, read in bulk ------------------------------------------------------------------
# Five statements whatever the table count (four on a server without CHECK_CONSTRAINTS), each for
# one database (TABLE_SCHEMA), rows in a fixed order. The Schema is the inspector's, field for
# field (tests/test_mysql.py holds them equal).

_TABLES = """
SELECT TABLE_NAME, TABLE_COLLATION FROM information_schema.TABLES
WHERE TABLE_SCHEMA = %(schema)s AND TABLE_TYPE = 'BASE TABLE'
"""
_COLUMNS = """
SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, IS_NULLABLE, COLUMN_DEFAULT, EXTRA, COLLATION_NAME,
       {generated}
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = %(schema)s
ORDER BY TABLE_NAME, ORDINAL_POSITION
"""
# Index parts in key order; an expression part (MySQL 8.0.13+) has no column name.
_INDEXES = """
SELECT TABLE_NAME, INDEX_NAME, NON_UNIQUE, SEQ_IN_INDEX, COLUMN_NAME, SUB_PART, {expression}, COLLATION,
       INDEX_TYPE
FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = %(schema)s
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
"""
_FOREIGN_KEYS = """
SELECT k.TABLE_NAME, k.CONSTRAINT_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_SCHEMA,
       k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.UPDATE_RULE, r.DELETE_RULE
FROM information_schema.KEY_COLUMN_USAGE k
LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r
  ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.TABLE_NAME = k.TABLE_NAME
 AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
WHERE k.TABLE_SCHEMA = %(schema)s AND k.REFERENCED_TABLE_NAME IS NOT NULL
ORDER BY k.TABLE_NAME, k.CONSTRAINT_NAME, k.ORDINAL_POSITION
"""


def reflect_catalog(
    conn: Connection, schema: str | None, wanted: Callable[[str], bool], label: str
) -> Schema | None:
    """The live Schema of database `schema` (None: the connection's), tables that `wanted` accepts;
    None when this login cannot see what the catalog path needs (the inspector is used then)."""
    sa_dialect: Any = conn.dialect
    default_schema = sa_dialect.default_schema_name
    if schema is None:
        name = default_schema or conn.exec_driver_sql("SELECT DATABASE()").scalar()
        if not name:
            raise UsageError(
                f"{label} names no database", hint="put the database in the URL (mysql://user@host/db) or use --schema"
            )
    else:
        name = schema
        found = conn.exec_driver_sql(
            "SELECT COUNT(*) FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = %(schema)s", {"schema": name}
        ).scalar()
        if not found:
            raise UsageError(
                f"database {schema!r} does not exist in {label}",
                hint="check --schema (on MySQL a schema is a database) or leave it out",
            )
    params = {"schema": name}
    is_mariadb = bool(getattr(sa_dialect, "is_mariadb", False))
    version = getattr(sa_dialect, "server_version_info", None) or (0,)
    generated = "GENERATION_EXPRESSION" if is_mariadb or version >= (5, 7) else "NULL"
    expression = "EXPRESSION" if not is_mariadb and version >= (8, 0, 13) else "NULL"

    tables = {t: collation for t, collation in conn.exec_driver_sql(_TABLES, params) if wanted(t)}
    if not tables:
        return Schema(dialect=sa_dialect.name, tables=(), origin="live", schema=schema, label=label,
                      default_schema=default_schema)
    column_rows = conn.exec_driver_sql(_COLUMNS.format(generated=generated), params).all()
    index_rows = conn.exec_driver_sql(_INDEXES.format(expression=expression), params).all()
    fk_rows = conn.exec_driver_sql(_FOREIGN_KEYS, params).all()
    checks = read_checks(conn, name)

    primary: dict[str, list[str]] = {}
    uniques: dict[str, dict[str, list[str]]] = {}
    indexes: dict[str, dict[str, list[str]]] = {}
    options: dict[tuple[str, str], list[str]] = {}
    for table, index, non_unique, _seq, column, sub_part, expr, collation, index_type in index_rows:
        if table not in tables:
            continue
        if index == "PRIMARY":
            primary.setdefault(table, []).append(column)
            continue
        part = column if column is not None else (_expression(expr) if expr else None)
        if part is None:
            continue
        into = uniques if not int(non_unique) else indexes
        into.setdefault(table, {}).setdefault(index, []).append(part)
        options.setdefault((table, index), []).append(_element_options(collation, sub_part, index_type))

    fks: dict[str, dict[str, dict[str, Any]]] = {}
    for table, cname, column, ref_schema, ref_table, ref_column, update_rule, delete_rule in fk_rows:
        if table not in tables:
            continue
        if update_rule is None:
            # MariaDB hides REFERENTIAL_CONSTRAINTS from a login with only SELECT on the table, so
            # the keys' actions are unknown here: SHOW CREATE TABLE (the inspector) still has them.
            return None
        fk = fks.setdefault(table, {}).setdefault(
            cname,
            {"cols": [], "refs": [], "ref_table": ref_table,
             # The inspector names another database's table with its schema, this one's without.
             "ref_schema": None if ref_schema == name else ref_schema,
             "onupdate": DIALECT.fk_action(update_rule), "ondelete": DIALECT.fk_action(delete_rule)},
        )
        fk["cols"].append(column)
        fk["refs"].append(ref_column)

    columns: dict[str, list[Column]] = {}
    built: dict[tuple[Any, ...], Column] = {}
    for table, column, column_type, is_nullable, default, extra, collation, generation in column_rows:
        if table not in tables:
            continue
        in_pk = column in primary.get(table, ())
        key = (column, column_type, is_nullable, default, extra, collation if collation != tables[table] else None,
               generation or None, in_pk)
        col = built.get(key)
        if col is None:
            col = built[key] = _column(key, is_mariadb)
        columns.setdefault(table, []).append(col)

    out = []
    for table in sorted(tables):
        pk = tuple(primary.get(table, ()))
        table_fks = sorted(
            (
                ForeignKey(name=cname, columns=tuple(f["cols"]), ref_table=f["ref_table"],
                           ref_columns=tuple(f["refs"]), ref_schema=f["ref_schema"],
                           ondelete=f["ondelete"], onupdate=f["onupdate"])
                for cname, f in fks.get(table, {}).items()
            ),
            key=lambda f: (f.columns, f.name or ""),
        )
        # A unique key with a DESC or prefix element is a unique index with options (as in the
        # models), so that they are compared; a plain one is a UNIQUE constraint, as the inspector says.
        table_uniques = uniques.get(table, {})
        with_options = {n for n in table_uniques if _options(options.get((table, n), []))}
        out.append(
            Table(
                name=table,
                columns=tuple(columns.get(table, ())),
                primary_key=pk,
                indexes=tuple(sorted(
                    [Index(name=n, columns=tuple(c), unique=False, options=_options(options.get((table, n), [])))
                     for n, c in indexes.get(table, {}).items()]
                    + [Index(name=n, columns=tuple(c), unique=True, options=_options(options[(table, n)]))
                       for n, c in table_uniques.items() if n in with_options],
                    key=lambda i: (str(i.name), i.columns),
                )),
                uniques=tuple(sorted(
                    (UniqueConstraint(name=n, columns=tuple(c)) for n, c in table_uniques.items()
                     if n not in with_options),
                    key=lambda u: u.columns,
                )),
                foreign_keys=tuple(table_fks),
                checks=None if checks is None else tuple(checks.get(table, ())),
            )
        )
    return Schema(dialect=sa_dialect.name, tables=tuple(out), origin="live", schema=schema, label=label,
                  default_schema=default_schema)


# --- CHECK constraints and index element options, read by both paths ---------------------------

# MariaDB names the table in CHECK_CONSTRAINTS (constraint names are unique per table only: a
# column-level CHECK is named after its column); MySQL 8 names it in TABLE_CONSTRAINTS, where a
# CHECK that is NOT ENFORCED says so: it refuses no row, so it is left out (a model's is missing).
_CHECKS_MARIADB = """
SELECT TABLE_NAME, CONSTRAINT_NAME, CHECK_CLAUSE FROM information_schema.CHECK_CONSTRAINTS
WHERE CONSTRAINT_SCHEMA = %(schema)s
"""
_CHECKS_MYSQL = """
SELECT t.TABLE_NAME, c.CONSTRAINT_NAME, c.CHECK_CLAUSE
FROM information_schema.TABLE_CONSTRAINTS t
JOIN information_schema.CHECK_CONSTRAINTS c
  ON c.CONSTRAINT_SCHEMA = t.CONSTRAINT_SCHEMA AND c.CONSTRAINT_NAME = t.CONSTRAINT_NAME
WHERE t.TABLE_SCHEMA = %(schema)s AND t.CONSTRAINT_TYPE = 'CHECK' AND t.ENFORCED = 'YES'
"""
_INDEX_OPTIONS = """
SELECT TABLE_NAME, INDEX_NAME, COLLATION, SUB_PART, INDEX_TYPE FROM information_schema.STATISTICS
WHERE TABLE_SCHEMA = %(schema)s AND INDEX_NAME <> 'PRIMARY'
ORDER BY TABLE_NAME, INDEX_NAME, SEQ_IN_INDEX
"""


def read_checks(conn: Connection, database: str) -> dict[str, list[Check]] | None:
    """Table name -> its CHECK constraints (the expression as the server prints it back, sorted as
    the inspector's path sorts them), in one statement; None on a server without
    information_schema.CHECK_CONSTRAINTS (MariaDB before 10.2.22, MySQL before 8.0.16: MySQL 5.7
    parses a CHECK and drops it), where CHECKs are left unknown and not compared."""
    sa_dialect: Any = conn.dialect
    is_mariadb = bool(getattr(sa_dialect, "is_mariadb", False))
    version = tuple(getattr(sa_dialect, "server_version_info", None) or (0,))
    if version < ((10, 2, 22) if is_mariadb else (8, 0, 16)):
        return None
    rows = conn.exec_driver_sql(_CHECKS_MARIADB if is_mariadb else _CHECKS_MYSQL, {"schema": database}).all()
    out: dict[str, list[Check]] = {}
    for table, name, clause in rows:
        out.setdefault(table, []).append(Check(name=name, expression=str(clause)))
    for checks in out.values():
        checks.sort(key=lambda k: (k.name or "", k.expression))
    return out


def _element_options(collation: str | None, sub_part: Any, index_type: str | None) -> str:
    """An index element's options from STATISTICS: COLLATION 'D' is descending (NULL: not sorted,
    a FULLTEXT or hash key), SUB_PART the indexed prefix in characters (a SPATIAL key reports 32,
    its own, which no model declares)."""
    from ..schema.expressions import element_options

    length = int(sub_part) if sub_part is not None and index_type != "SPATIAL" else None
    return element_options(descending=collation == "D", length=length)


def _options(options: list[str]) -> tuple[str, ...]:
    return tuple(options) if any(options) else ()


def _database(conn: Connection) -> str:
    sa_dialect: Any = conn.dialect
    return str(sa_dialect.default_schema_name or conn.exec_driver_sql("SELECT DATABASE()").scalar())


def _version(text: str) -> tuple[int, ...]:
    """`10.11.19-MariaDB-0+deb12u1` -> (10, 11, 19)."""
    return tuple(int(p) for p in re.findall(r"\d+", text.split("-")[0])[:3])


def _records_directions(is_mariadb: bool, version: tuple[int, ...]) -> bool:
    """Whether the server builds a DESC index element descending (and STATISTICS says 'D')."""
    return version >= ((10, 8) if is_mariadb else (8, 0))


def _expression(text: str) -> str:
    from ..schema.expressions import normalize_expression

    return normalize_expression(text)


_ON_UPDATE = re.compile(r"on update (\S+)")
_LABELS = re.compile(r"'((?:[^']|'')*)'")


def _column(key: tuple[Any, ...], is_mariadb: bool) -> Column:
    name, column_type, is_nullable, default, extra, collation, generated, in_pk = key
    type_text = _type_text(str(column_type), collation)
    extra = str(extra or "").lower()
    if generated:
        default = None  # a generated column's expression is not a default
    elif is_mariadb:
        # MariaDB writes the default as SHOW CREATE TABLE does: literals quoted, NULL as NULL.
        default = None if default in (None, "NULL") else str(default)
    elif default is not None:
        # MySQL 8 gives a literal unquoted and marks an expression DEFAULT_GENERATED.
        default = f"({default})" if "default_generated" in extra or default.upper() == "CURRENT_TIMESTAMP" \
            else "'" + str(default).replace("'", "''") + "'"
    on_update = _ON_UPDATE.search(extra)
    if on_update and default is not None:
        default = f"{default} on update {on_update.group(1)}"  # as the inspector gives it
    return Column(
        name=name,
        type=type_text,
        nullable=is_nullable == "YES" and not in_pk,
        default=DIALECT.normalize_default(default, type_text),
        autoincrement="auto_increment" in extra,
        # The expression of a generated column, folded as the model's is (the inspector's path reads
        # the same text through SQLAlchemy's `computed`).
        generated=generated_expression(str(generated), "mysql") if generated else None,
    )


@lru_cache(maxsize=4096)
def _type_text(column_type: str, collation: str | None) -> str | None:
    """COLUMN_TYPE as the inspector's canonical text: ENUM and SET labels as written, a collation
    only where it is not the table's, an unknown type as no type (the inspector's NullType)."""
    from sqlalchemy.dialects.mysql.base import ischema_names

    base = column_type.split("(")[0].split()[0].lower()
    if base not in ischema_names:
        return None
    if base in ("enum", "set"):
        labels = _LABELS.findall(column_type[column_type.index("(") :])
        return f"{base.upper()}(" + ", ".join(f"'{label}'" for label in labels) + ")"
    text = column_type + (f" COLLATE {collation}" if collation else "")
    return DIALECT.canonical_text(text)


DIALECT = MySQL()


def _release(conn: Connection, name: str) -> None:
    try:
        conn.exec_driver_sql("SELECT RELEASE_LOCK(%s)", (name,))
        conn.commit()
    except Exception:  # noqa: BLE001 - the connection is closed next, which releases it anyway
        pass


def _lock_holder(conn: Connection, name: str) -> str | None:
    """The session that holds a named lock, as SHOW PROCESSLIST shows it."""
    try:
        row = conn.exec_driver_sql(
            "SELECT p.ID, p.USER, p.HOST, p.COMMAND, p.TIME, LEFT(p.INFO, 80) "
            "FROM information_schema.PROCESSLIST p WHERE p.ID = IS_USED_LOCK(%s)", (name,)
        ).first()
        conn.commit()
    except Exception:  # noqa: BLE001 - naming the holder is a courtesy; the timeout is the error
        return None
    if row is None:
        return None
    pid, user, host, command, seconds, info = row
    last = f", last query {str(info).strip()!r}" if info else ""
    return f"connection {pid} (user {user} from {host}; {command} for {seconds} s{last})"

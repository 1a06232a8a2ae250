"""MySQL/MariaDB on the suite's own MariaDB server: connecting, the read-only check, the bulk catalog
reader against the inspector, comparison by meaning, and names under lower_case_table_names.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from cli_helpers import MODELS, assert_one_sentence, free_port, sg
from conftest import engine_for, run_sql
from golden import CASES, CASES_DIR, apply_live, live_sql, unsupported
from mysqlserver import MariaDBServer
from sqlalchemy import event

from schemaguard.apply.sync import safe_sync
from schemaguard.checking.check import check
from schemaguard.dialects import dialect_named
from schemaguard.errors import UsageError
from schemaguard.live.reflect import reflect_live
from schemaguard.live.urls import parse_url, redact
from schemaguard.schema.snapshot import Schema, dump_snapshot, load_snapshot

# --- URLs (no server needed) ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "driver", "shown"),
    [
        ("mysql://app:pw@db:3306/shop", "mysql+pymysql", "mysql://app:***@db:3306/shop"),
        ("mariadb://app:pw@db/shop", "mariadb+pymysql", "mariadb://app:***@db/shop"),
        ("mysql+mysqldb://app:pw@db/shop", "mysql+mysqldb", "mysql+mysqldb://app:***@db/shop"),
        ("mysql+pymysql://app:pw@db/shop", "mysql+pymysql", "mysql://app:***@db/shop"),
    ],
)
def test_urls_get_pymysql_and_hide_the_password(raw: str, driver: str, shown: str) -> None:
    url = parse_url(raw)
    assert url.drivername == driver
    assert redact(url) == shown


@pytest.mark.parametrize(
    ("declared", "live"),
    [
        ("INTEGER", "INT(11)"),
        ("BIGINT", "BIGINT(20)"),
        ("BOOL", "TINYINT(1)"),
        ("FLOAT(53)", "DOUBLE"),
        ("DOUBLE PRECISION", "DOUBLE"),
        ("NUMERIC", "DECIMAL(10,0)"),
        ("NUMERIC(12, 2)", "decimal(12,2)"),
        ("TEXT(100)", "TEXT"),
        ("TEXT(20000)", "MEDIUMTEXT"),
        ("BLOB(70000)", "MEDIUMBLOB"),
        ("INTEGER UNSIGNED", "int(10) unsigned"),
        ("INT ZEROFILL", "int(10) unsigned zerofill"),
        ("DATETIME(0)", "datetime"),
        ("VARCHAR(10) CHARACTER SET utf8mb4", "varchar(10)"),
    ],
)
def test_spellings_of_one_type(declared: str, live: str) -> None:
    mysql = dialect_named("mysql")
    assert mysql.canonical_text(declared) == mysql.canonical_text(live)


@pytest.mark.parametrize(
    ("declared", "live"),
    [
        ("TINYINT", "TINYINT(1)"),  # TINYINT(1) is a Boolean; a TINYINT is not
        ("INTEGER", "INTEGER UNSIGNED"),
        ("FLOAT(24)", "DOUBLE"),
        ("DATETIME", "DATETIME(6)"),
        ("TEXT", "LONGTEXT"),
        ("DECIMAL(10, 2)", "DECIMAL(10, 3)"),
    ],
)
def test_different_types_stay_different(declared: str, live: str) -> None:
    mysql = dialect_named("mysql")
    a, b = mysql.canonical_text(declared), mysql.canonical_text(live)
    assert a != b and not mysql.same_type(a, b)


def test_collation_compared_only_where_the_model_states_one() -> None:
    mysql = dialect_named("mysql")
    live = mysql.canonical_text("VARCHAR(10) COLLATE utf8mb4_bin")
    assert mysql.same_type(mysql.canonical_text("VARCHAR(10)"), live)
    assert not mysql.same_type(mysql.canonical_text("VARCHAR(10) COLLATE utf8mb4_unicode_ci"), live)


@pytest.mark.parametrize(
    ("compiled", "live"),
    [
        ("CHAR(36) BINARY", "char(36) COLLATE utf8mb4_bin"),  # Sequelize's UUID
        ("VARCHAR(64) BINARY", "varchar(64) COLLATE utf8mb4_bin"),  # Sequelize's STRING.BINARY
        ("VARCHAR(10) CHARACTER SET latin1 BINARY", "varchar(10) COLLATE latin1_bin"),
        ("TINYTEXT BINARY", "tinytext COLLATE utf8mb4_bin"),
    ],
)
def test_binary_attribute_is_the_charsets_bin_collation(compiled: str, live: str) -> None:
    from sqlalchemy.dialects import mysql as sa_mysql

    mysql = dialect_named("mysql")
    declared = mysql.canonical_text(mysql.type_as_reflected(compiled, sa_mysql.dialect()))
    assert declared == mysql.canonical_text(live)
    assert mysql.canonical_type(sa_mysql.VARCHAR(64, binary=True), sa_mysql.dialect()) == "VARCHAR(64) COLLATE UTF8MB4_BIN"
    # BINARY(n) is a byte string type of its own, not the attribute.
    assert mysql.type_as_reflected("BINARY(16)", sa_mysql.dialect()) == "BINARY(16)"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("current_timestamp()", "current_timestamp"),
        ("CURRENT_TIMESTAMP", "current_timestamp"),
        ("now()", "current_timestamp"),
        ("current_timestamp(6)", "current_timestamp(6)"),
        ("NOW(6)", "current_timestamp(6)"),
        ("CURRENT_TIMESTAMP(0)", "current_timestamp"),
    ],
)
def test_current_timestamp_spellings(text: str, expected: str) -> None:
    assert dialect_named("mysql").normalize_default(text, "DATETIME") == expected


def test_naming_notes_from_a_snapshot_carrying_the_setting(tmp_path: Path) -> None:
    """lower_case_table_names travels on the live Schema (and its snapshot file): the diff is pure."""
    from schemaguard.schema.snapshot import Column, Table

    def schema(origin: str, table: str, column: str, setting: int | None) -> Schema:
        cols = (Column("id", "INTEGER", False), Column(column, "INTEGER", True))
        return Schema(dialect="mysql", tables=(Table(table, cols, ("id",)),), origin=origin,
                      lower_case_table_names=setting)

    for setting, phrase in ((0, "case-sensitive"), (1, "lower_case_table_names=1"), (2, "lower_case_table_names=2")):
        live = schema("live", "users", "userid", setting)
        path = tmp_path / f"live{setting}.json"
        path.write_text(dump_snapshot(live))
        assert load_snapshot(path).lower_case_table_names == setting
        result = check(str(path), schema("declared", "Users", "userId", None))
        kinds = {f.kind: f for f in result.findings}
        assert set(kinds) == {"table_name_case", "column_name_style"}
        assert phrase in kinds["table_name_case"].message
        assert kinds["table_name_case"].severity == "error"
        if setting:
            assert "Linux" in kinds["table_name_case"].message
        assert "without regard to case" in kinds["column_name_style"].message


# --- on the server ----------------------------------------------------------------------------------


def _explain(findings: list[Any]) -> str:
    return "\n".join(f"{f.kind} {f.table}.{f.column}: {f.declared} / {f.live}: {f.message}" for f in findings)


def assert_same(url: str, **kw: Any) -> Schema:
    """Reflect `url` both ways and require equal Schemas; returns the catalog path's."""
    by_inspector = reflect_live(url, method="inspector", **kw)
    by_catalog = reflect_live(url, method="catalog", **kw)
    if by_catalog != by_inspector:
        assert dump_snapshot(by_catalog) == dump_snapshot(by_inspector)
    return by_catalog


@pytest.mark.mysql
@pytest.mark.parametrize("case", CASES)
@pytest.mark.mysql
def test_catalog_equals_inspector_on_golden_cases(case: str, mysql_url: str) -> None:
    reason = unsupported(CASES_DIR / case, "mysql")
    if reason:
        pytest.skip(reason)
    apply_live(mysql_url, live_sql(CASES_DIR / case, "mysql").read_text(encoding="utf-8"))
    assert_same(mysql_url)


EXOTIC = [
    "CREATE TABLE parents (id INT UNSIGNED NOT NULL AUTO_INCREMENT PRIMARY KEY, a INT, b VARCHAR(100),"
    " code CHAR(3) COLLATE utf8mb4_bin NOT NULL DEFAULT 'abc', UNIQUE KEY uq_ab (a, b), KEY ix_b (b(10)))",
    "CREATE TABLE kids (id BIGINT PRIMARY KEY, p1 INT UNSIGNED, p2 INT UNSIGNED, p3 INT UNSIGNED,"
    " flag TINYINT(1) NOT NULL DEFAULT 1, mood ENUM('sad', 'it''s ok') DEFAULT 'sad', tags SET('a', 'B'),"
    " at DATETIME(6) DEFAULT CURRENT_TIMESTAMP(6) ON UPDATE CURRENT_TIMESTAMP(6), big TEXT(20000),"
    " price DECIMAL(8, 3) DEFAULT 1.5, ratio DOUBLE, small FLOAT, doc JSON, twice INT AS (p1 * 2) VIRTUAL,"
    " `Mixed Case` YEAR, bits BIT(3), note VARCHAR(20) DEFAULT 'it''s',"
    " CONSTRAINT fk_named FOREIGN KEY (p1) REFERENCES parents (id) ON DELETE CASCADE,"
    " FOREIGN KEY (p2) REFERENCES parents (id) ON DELETE NO ACTION ON UPDATE SET NULL,"
    " FOREIGN KEY (p3) REFERENCES parents (id), CHECK (price > 0))",
    "CREATE TABLE `odd``name` (`we;ird` INT, `a.b` VARCHAR(5) CHARACTER SET latin1)",
]


@pytest.mark.mysql
def test_catalog_equals_inspector_on_what_the_cases_do_not_use(mysql_url: str) -> None:
    run_sql(mysql_url, EXOTIC)
    live = assert_same(mysql_url)
    kids = live.table("kids")
    assert kids is not None
    assert {fk.name: fk.ondelete for fk in kids.foreign_keys}["fk_named"] == "CASCADE"
    assert kids.column("flag").type == "BOOLEAN"  # type: ignore[union-attr]
    assert kids.column("mood").type == "ENUM('sad', 'it''s ok')"  # type: ignore[union-attr]
    assert kids.column("big").type == "MEDIUMTEXT"  # type: ignore[union-attr]
    assert kids.column("twice").default is None  # type: ignore[union-attr]


@pytest.mark.mysql
def test_catalog_reads_in_a_constant_number_of_statements(mysql_database: Callable[[], str]) -> None:
    counts = []
    for n in (2, 40):
        url = mysql_database()
        run_sql(url, [f"CREATE TABLE t{i} (id INT PRIMARY KEY, p INT, FOREIGN KEY (p) REFERENCES t0 (id))"
                   if i else "CREATE TABLE t0 (id INT PRIMARY KEY)" for i in range(n)])
        engine = engine_for(url)
        seen: list[str] = []
        event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
        try:
            assert len(reflect_live(engine, method="catalog").tables) == n
        finally:
            engine.dispose()
        counts.append(len(seen))
    assert counts[0] == counts[1], counts


@pytest.mark.mysql
def test_schema_names_a_database(mysql_database: Callable[[], str]) -> None:
    home, other = mysql_database(), mysql_database()
    run_sql(other, ["CREATE TABLE elsewhere (id INT PRIMARY KEY)"])
    other_name = other.rsplit("/", 1)[1]
    assert [t.name for t in reflect_live(home, schema=other_name).tables] == ["elsewhere"]
    assert [t.name for t in reflect_live(home, schema=other_name, method="inspector").tables] == ["elsewhere"]
    with pytest.raises(UsageError, match="does not exist"):
        reflect_live(home, schema="no_such_database_here")


# --- read-only, and a user with only SELECT -----------------------------------------------------


@pytest.mark.mysql
def test_check_as_a_select_only_user_creates_nothing(mysql_server: MariaDBServer, mysql_url: str,
                                                     tmp_path: Path) -> None:
    models = tmp_path / "models.py"
    models.write_text(MODELS)
    engine = engine_for(mysql_url)
    from importlib import util

    spec = util.spec_from_file_location("sg_mysql_models", models)
    assert spec and spec.loader
    module = util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.Base.metadata.create_all(engine)
    database = mysql_url.rsplit("/", 1)[1]
    user = f"reader_{database[-12:]}"
    with engine.begin() as conn:
        # `%%`: the driver formats the statement even without parameters.
        conn.exec_driver_sql(f"CREATE USER '{user}'@'%%' IDENTIFIED BY 'r3ad'")
        conn.exec_driver_sql(f"GRANT SELECT ON `{database}`.* TO '{user}'@'%%'")

    def state() -> list[Any]:
        with engine.connect() as conn:
            return conn.exec_driver_sql(
                "SELECT TABLE_NAME, UPDATE_TIME, TABLE_ROWS FROM information_schema.TABLES"
                f" WHERE TABLE_SCHEMA = '{database}' ORDER BY TABLE_NAME").all()

    before = state()
    try:
        reader = mysql_server.url(database, user=user, password="r3ad")
        r = sg("check", "--db", reader, "--models", f"{models}:Base", "--format", "json")
        assert r.exit_code == 0, r.stdout + r.stderr
        assert "r3ad" not in r.stdout + r.stderr
        assert state() == before
        # The transaction really is read-only: a write inside it is refused by the server. (DDL
        # would commit it implicitly, as every MySQL DDL does: check never sends any.)
        from schemaguard.live.database import Database

        with Database.open(mysql_url) as db, db.read_only() as conn:
            with pytest.raises(sa.exc.DBAPIError, match="READ ONLY"):
                conn.exec_driver_sql("INSERT INTO users (email) VALUES ('x@example.com')")
        assert state() == before
    finally:
        with engine.begin() as conn:
            conn.exec_driver_sql(f"DROP USER '{user}'@'%%'")
        engine.dispose()


@pytest.mark.mysql
def test_unreachable_server_exits_3_with_one_sentence(mysql_server: MariaDBServer, tmp_path: Path) -> None:
    models = tmp_path / "models.py"
    models.write_text(MODELS)
    r = sg("check", "--db", f"mysql://app:hunter2@127.0.0.1:{free_port()}/shop", "--models", f"{models}:Base")
    assert r.exit_code == 3, r.stderr
    assert "hunter2" not in r.stdout + r.stderr
    assert_one_sentence(r.stderr, "cannot connect to mysql://app:***@127.0.0.1", "can't connect")
    r = sg("check", "--db", mysql_server.url("nosuchdb", password="wrong-pw"), "--models", f"{models}:Base")
    assert r.exit_code == 3, r.stderr
    assert "wrong-pw" not in r.stdout + r.stderr
    assert_one_sentence(r.stderr, "access denied")


# --- comparison by meaning -----------------------------------------------------------------------


TYPES_MODEL = '''
import sqlalchemy as sa
from sqlalchemy.dialects import mysql

metadata = sa.MetaData()
sa.Table(
    "everything", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("flag", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("big", sa.BigInteger), sa.Column("small", sa.SmallInteger),
    sa.Column("f", sa.Float), sa.Column("f53", sa.Float(53)), sa.Column("d", sa.Double),
    sa.Column("price", sa.Numeric(10, 2), server_default="1.50"),
    sa.Column("name", sa.String(20), server_default="x"),
    sa.Column("body", sa.Text), sa.Column("sized", sa.Text(20000)), sa.Column("blob", sa.LargeBinary),
    sa.Column("made", sa.DateTime, server_default=sa.func.now()),
    sa.Column("stamp", mysql.TIMESTAMP(fsp=3), server_default=sa.text("CURRENT_TIMESTAMP(3)")),
    sa.Column("precise", mysql.DATETIME(fsp=6)), sa.Column("day", sa.Date), sa.Column("clock", sa.Time),
    sa.Column("mood", sa.Enum("happy", "it's ok", name="mood")),
    sa.Column("portable", sa.Enum("a", "b", native_enum=False)),
    sa.Column("tags", mysql.SET("x", "Y")),
    sa.Column("count", mysql.INTEGER(unsigned=True)), sa.Column("tiny", mysql.TINYINT),
    sa.Column("doc", sa.JSON), sa.Column("uid", sa.Uuid),
    sa.Column("medium", mysql.MEDIUMTEXT), sa.Column("code", sa.CHAR(3)),
    sa.Column("exact", sa.String(10, collation="utf8mb4_bin")),
    sa.Column("zero", sa.Integer, server_default="0"),
    sa.Column("joined", sa.String(20), server_default=sa.text("concat('a', 'b')")),
    sa.Column("span", sa.Interval), sa.Column("raw", sa.BINARY(4)), sa.Column("var", sa.VARBINARY(10)),
)
'''


@pytest.mark.mysql
def test_every_common_type_made_by_create_all_has_no_finding(mysql_url: str, tmp_path: Path) -> None:
    models = tmp_path / "types_models.py"
    models.write_text(TYPES_MODEL)
    namespace: dict[str, Any] = {}
    exec(compile(TYPES_MODEL, str(models), "exec"), namespace)
    engine = engine_for(mysql_url)
    try:
        namespace["metadata"].create_all(engine)
    finally:
        engine.dispose()
    result = check(mysql_url, f"{models}:metadata")
    assert result.findings == [], _explain(result.findings)

    # Real drift is still seen: a label gone from an enum, a wider text, a collation the model states.
    run_sql(mysql_url, [
        "ALTER TABLE everything MODIFY mood ENUM('happy') NULL",
        "ALTER TABLE everything MODIFY body LONGTEXT",
        "ALTER TABLE everything MODIFY exact VARCHAR(10) COLLATE utf8mb4_unicode_ci",
        "ALTER TABLE everything MODIFY count INT",
    ])
    result = check(mysql_url, f"{models}:metadata")
    # (A label the database's ENUM lacks is enum_label_missing, as on PostgreSQL.)
    assert sorted((f.kind, f.column) for f in result.findings) == [
        ("enum_label_missing", "mood"), ("type_mismatch", "body"), ("type_mismatch", "count"),
        ("type_mismatch", "exact"),
    ], _explain(result.findings)
    # Its hint is MySQL's (the column's own ENUM list), not PostgreSQL's ALTER TYPE.
    [label] = [f for f in result.findings if f.kind == "enum_label_missing"]
    assert "ALTER TABLE everything MODIFY mood" in str(label.hint) and "ALTER TYPE" not in str(label.hint)


@pytest.mark.mysql
def test_restrict_is_no_action_and_fk_indexes_are_the_servers(mysql_url: str) -> None:
    metadata = sa.MetaData()
    sa.Table("parents", metadata, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table(
        "kids", metadata, sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.ForeignKey("parents.id", ondelete="RESTRICT")),
        sa.Column("b", sa.ForeignKey("parents.id", name="fk_b", onupdate="CASCADE")),
    )
    engine = engine_for(mysql_url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    assert check(mysql_url, metadata).findings == []
    run_sql(mysql_url, ["CREATE INDEX ix_extra ON kids (a, b)"])
    assert [(f.kind, f.live) for f in check(mysql_url, metadata).findings] == [
        ("index_extra", "INDEX ix_extra (a, b)")]


# --- names -------------------------------------------------------------------------------------------


NAMES_MODEL = '''
from sqlalchemy import Column, Integer, MetaData, Table

metadata = MetaData()
Table("Users", metadata, Column("id", Integer, primary_key=True, autoincrement=False),
      Column("userId", Integer), Column("emailAddress", Integer))
'''


def _names_check(url: str, tmp_path: Path) -> dict[str, Any]:
    models = tmp_path / "names_models.py"
    models.write_text(NAMES_MODEL)
    run_sql(url, ["CREATE TABLE users (id INT PRIMARY KEY, userid INT, email_address INT)"])
    result = check(url, f"{models}:metadata")
    by_kind: dict[str, Any] = {}
    for f in result.findings:
        by_kind.setdefault(f.kind, []).append(f)
    # The model also mixes camelCase columns into a snake_case schema: that is reported too.
    assert sorted(by_kind) == ["column_name_style", "mixed_naming_convention", "table_name_case"], (
        _explain(result.findings))
    return by_kind


@pytest.mark.mysql
def test_names_on_a_case_sensitive_server(mysql_url: str, tmp_path: Path) -> None:
    live = reflect_live(mysql_url)
    assert live.lower_case_table_names == 0
    found = _names_check(mysql_url, tmp_path)
    (table,) = found["table_name_case"]
    assert table.severity == "error" and "lower_case_table_names=0" in table.message
    columns = {f.declared: f for f in found["column_name_style"]}
    assert "without regard to case" in columns["userId"].message
    assert "queries fail" not in columns["userId"].message
    assert "not underscores" in columns["emailAddress"].message
    assert all(f.severity == "error" for f in columns.values())


@pytest.fixture
def lctn1_url(mysql_server_lctn1: MariaDBServer) -> Any:
    from conftest import _mysql_factory

    factory = _mysql_factory(mysql_server_lctn1)
    make = next(factory)
    yield make()
    factory.close()


@pytest.mark.mysql
def test_names_on_a_server_that_folds_table_names(lctn1_url: str, tmp_path: Path) -> None:
    assert reflect_live(lctn1_url).lower_case_table_names == 1
    found = _names_check(lctn1_url, tmp_path)
    (table,) = found["table_name_case"]
    assert table.severity == "error"
    assert "lower_case_table_names=1" in table.message and "Linux" in table.message


# --- CHECK constraints, index element options, implicit TIMESTAMP defaults ----------------------


@pytest.mark.parametrize(
    ("declared", "printed"),
    [
        # MariaDB keeps the text, with backticks and lower-case keywords.
        ("stock BETWEEN 0 AND 1000", "`stock` between 0 and 1000"),
        ("status IN ('new', 'sold')", "`status` in ('new','sold')"),
        ("price >= -1", "`price` >= -1"),
        # MySQL 8 adds parentheses, and a charset introducer to every string literal.
        ("status IN ('new', 'sold')", "(`status` in (_utf8mb4'new',_utf8mb4'sold'))"),
        ("length(note) >= 3", "octet_length(`note`) >= 3"),  # MariaDB's print-back of LENGTH
        ("id > 0 AND status != 'x' OR sku LIKE 'a%'",
         "(((`id` > 0) and (`status` <> _utf8mb4'x')) or (`sku` like _utf8mb4'a%'))"),
        ("price >= -1", "(`price` >= -(1))"),
    ],
)
def test_checks_as_each_server_prints_them_back(declared: str, printed: str) -> None:
    mysql = dialect_named("mysql")
    assert mysql.normalize_check(declared) == mysql.normalize_check(printed)
    assert mysql.normalize_check("status IN ('new')") != mysql.normalize_check("(`status` in (_utf8mb4'old'))")


CHECKS_MODEL = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "orders", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("qty", sa.Integer, sa.CheckConstraint("qty > 0"), nullable=False),
    sa.Column("status", sa.String(10), nullable=False),
    sa.Column("note", sa.String(20)),
    sa.Column("doc", sa.JSON), sa.Column("Mixed Doc", sa.JSON),
    sa.Column("paid", sa.Boolean(create_constraint=True), nullable=False),
    sa.CheckConstraint("qty BETWEEN 1 AND 100", name="ck_orders_qty_range"),
    sa.CheckConstraint("status IN ('new', 'paid')"),
    sa.CheckConstraint("note IS NULL OR length(note) >= 3", name="ck_orders_note"),
)
'''


def _models(tmp_path: Path, name: str, text: str) -> tuple[str, Any]:
    path = tmp_path / f"{name}.py"
    path.write_text(text)
    namespace: dict[str, Any] = {}
    exec(compile(text, str(path), "exec"), namespace)
    return f"{path}:metadata", namespace["metadata"]


@pytest.mark.mysql
def test_checks_are_read_and_compared_by_meaning(mysql_url: str, tmp_path: Path) -> None:
    target, metadata = _models(tmp_path, "checks_models", CHECKS_MODEL)
    engine = engine_for(mysql_url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    live = assert_same(mysql_url)  # the inspector's path reads them from the catalog too
    orders = live.table("orders")
    assert orders is not None and orders.checks is not None
    # MariaDB's own CHECK for its JSON (LONGTEXT) column and the column-level one, named after
    # their columns, are read; neither is a finding.
    assert {"doc", "qty", "ck_orders_qty_range", "ck_orders_note"} <= {k.name for k in orders.checks}
    assert check(mysql_url, target).findings == []

    run_sql(mysql_url, [
        "ALTER TABLE orders DROP CONSTRAINT ck_orders_note",
        "ALTER TABLE orders DROP CONSTRAINT ck_orders_qty_range",
        "ALTER TABLE orders ADD CONSTRAINT ck_orders_qty_range CHECK (qty BETWEEN 1 AND 50)",
        "ALTER TABLE orders ADD CONSTRAINT ck_orders_extra CHECK (paid < 2)",
    ])
    result = check(mysql_url, target)
    assert sorted((f.kind, f.column) for f in result.findings) == [
        ("check_extra", "paid"), ("check_mismatch", "qty"), ("check_missing", "note"),
    ], _explain(result.findings)
    assert_same(mysql_url)


INDEXES_MODEL = '''
import sqlalchemy as sa

metadata = sa.MetaData()
items = sa.Table(
    "items", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100)), sa.Column("code", sa.String(8)), sa.Column("body", sa.Text),
    sa.Column("rank", sa.Integer),
)
sa.Index("ix_items_rank", items.c.rank.desc(), items.c.id)
sa.Index("ix_items_name", items.c.name, mysql_length=10)
sa.Index("ix_items_body", items.c.body, items.c.rank, mysql_length={"body": 20})
# A prefix as long as the column is the whole column: the server keeps no prefix.
sa.Index("ix_items_code", items.c.code, mysql_length=8)
'''


@pytest.mark.mysql
def test_index_direction_and_prefix_length_are_compared(mysql_url: str, tmp_path: Path) -> None:
    target, metadata = _models(tmp_path, "index_models", INDEXES_MODEL)
    engine = engine_for(mysql_url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    live = assert_same(mysql_url)
    assert live.index_directions is True  # MariaDB 10.11 builds DESC elements descending
    by_name = {i.name: i for i in live.table("items").indexes}  # type: ignore[union-attr]
    assert by_name["ix_items_rank"].options == ("DESC", "")
    assert by_name["ix_items_name"].options == ("(10)",)
    assert by_name["ix_items_body"].options == ("(20)", "")
    assert by_name["ix_items_code"].options == ()
    assert check(mysql_url, target).findings == []

    run_sql(mysql_url, [
        "DROP INDEX ix_items_rank ON items", "CREATE INDEX ix_items_rank ON items (`rank`, id)",
        "DROP INDEX ix_items_name ON items", "CREATE INDEX ix_items_name ON items (name(30))",
    ])
    assert_same(mysql_url)
    result = check(mysql_url, target)
    found = sorted((f.kind, f.declared or f.live) for f in result.findings)
    assert found == [
        ("index_extra", "INDEX ix_items_name (name(30))"),
        ("index_extra", "INDEX ix_items_rank (rank, id)"),
        ("index_missing", "INDEX ix_items_name (name(10))"),
        ("index_missing", "INDEX ix_items_rank (rank DESC, id)"),
    ], _explain(result.findings)
    assert all("over the same elements" in f.message for f in result.findings)

    # A SPATIAL key reports a prefix of 32 of its own: not a prefix length a model could declare.
    run_sql(mysql_url, ["CREATE TABLE places (id INT PRIMARY KEY, p POINT NOT NULL, SPATIAL INDEX sp (p))"])
    places = assert_same(mysql_url).table("places")
    assert places is not None and [(i.name, i.options) for i in places.indexes] == [("sp", ())]


UNIQUE_OPTIONS_MODEL = '''
import sqlalchemy as sa

metadata = sa.MetaData()
items = sa.Table(
    "items", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String(100)), sa.Column("code", sa.String(8)), sa.Column("rank", sa.Integer),
    sa.UniqueConstraint("code", name="uq_items_code"),
)
sa.Index("uq_items_rank", items.c.rank.desc(), items.c.code, unique=True)
sa.Index("uq_items_name", items.c.name, unique=True, mysql_length=10)
'''


@pytest.mark.mysql
def test_unique_keys_direction_and_prefix_length_are_compared(mysql_url: str, tmp_path: Path) -> None:
    """A unique key with a DESC or prefix element is read as a unique index with its options (a
    plain one stays a UNIQUE constraint), both by the catalog and by the inspector's path."""
    target, metadata = _models(tmp_path, "unique_models", UNIQUE_OPTIONS_MODEL)
    engine = engine_for(mysql_url)
    try:
        metadata.create_all(engine)
    finally:
        engine.dispose()
    items = assert_same(mysql_url).table("items")
    assert items is not None
    assert [(u.name, u.columns) for u in items.uniques] == [("uq_items_code", ("code",))]
    assert sorted((i.name, i.unique, i.options) for i in items.indexes) == [
        ("uq_items_name", True, ("(10)",)), ("uq_items_rank", True, ("DESC", "")),
    ]
    assert check(mysql_url, target).findings == []

    run_sql(mysql_url, [
        "DROP INDEX uq_items_rank ON items", "CREATE UNIQUE INDEX uq_items_rank ON items (`rank`, code)",
        "DROP INDEX uq_items_name ON items", "CREATE UNIQUE INDEX uq_items_name ON items (name(20))",
    ])
    assert_same(mysql_url)
    result = check(mysql_url, target)
    found = sorted((f.kind, f.declared or f.live) for f in result.findings)
    assert found == [
        ("index_extra", "UNIQUE INDEX uq_items_name (name(20))"),
        ("index_missing", "UNIQUE INDEX uq_items_name (name(10))"),
        ("index_missing", "UNIQUE INDEX uq_items_rank (rank DESC, code)"),
        # a plain unique key is the constraint again
        ("unique_extra", "UNIQUE uq_items_rank (rank, code)"),
    ], _explain(result.findings)
    assert all("over the same elements" in f.message for f in result.findings), _explain(result.findings)
    # DESC or not, the same rows are refused; a prefix of 10 or of 20 characters refuses others.
    same = {f.table + ":" + str(f.declared or f.live): "same uniqueness" in f.message for f in result.findings}
    assert same == {"items:UNIQUE INDEX uq_items_rank (rank DESC, code)": True,
                    "items:UNIQUE uq_items_rank (rank, code)": True,
                    "items:UNIQUE INDEX uq_items_name (name(10))": False,
                    "items:UNIQUE INDEX uq_items_name (name(20))": False}, same

    # alter sync puts the declared ones back (drop, then create), and nothing remains
    safe_sync(mysql_url, metadata, mode="alter", environ={"APP_ENV": "development"})
    assert check(mysql_url, target).findings == []


def test_direction_is_not_compared_on_a_server_that_ignores_desc() -> None:
    """MariaDB before 10.8 and MySQL 5.7 take DESC and build the element ascending: there a
    declared DESC is no drift, but a prefix length still is."""
    from schemaguard.schema.snapshot import Column, Index, Table

    cols = (Column("id", "INTEGER", False), Column("name", "VARCHAR(100)", True))

    def schema(origin: str, options: tuple[str, ...], directions: bool | None) -> Schema:
        index = Index("ix_name", ("name",), options=options)
        return Schema(dialect="mysql", tables=(Table("t", cols, ("id",), indexes=(index,)),), origin=origin,
                      index_directions=directions)

    assert check(schema("live", (), False), schema("declared", ("DESC",), None)).findings == []
    assert [f.kind for f in check(schema("live", (), True), schema("declared", ("DESC",), None)).findings] == [
        "index_missing", "index_extra"]
    assert [f.kind for f in check(schema("live", (), False), schema("declared", ("(10) DESC",), None)).findings] == [
        "index_missing", "index_extra"]
    assert check(schema("live", ("(10)",), False), schema("declared", ("(10) DESC",), None)).findings == []


TIMESTAMPS_MODEL = '''
import sqlalchemy as sa

metadata = sa.MetaData()
sa.Table(
    "events", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("created", sa.TIMESTAMP, nullable=False),
    sa.Column("seen", sa.TIMESTAMP, nullable=False),
    sa.Column("gone", sa.TIMESTAMP, nullable=True),
)
'''


@pytest.mark.mysql
def test_implicit_timestamp_defaults_follow_the_server_setting(mysql_url: str, tmp_path: Path) -> None:
    target, metadata = _models(tmp_path, "ts_models", TIMESTAMPS_MODEL)
    engine = engine_for(mysql_url)
    try:
        with engine.begin() as conn:
            # The setting is per session on MariaDB 10.11 (its default is ON from 10.10).
            conn.exec_driver_sql("SET SESSION explicit_defaults_for_timestamp = OFF")
            metadata.create_all(conn)
        # The server gave `created` DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP and
        # `seen` a zero date by itself. With the setting ON (as this server runs), it would not
        # have: the defaults are someone's, and drift.
        live = reflect_live(mysql_url)
        assert live.explicit_defaults_for_timestamp is True
        events = live.table("events")
        assert events is not None
        assert events.column("created").default == "current_timestamp on update current_timestamp"  # type: ignore[union-attr]
        result = check(mysql_url, target)
        assert sorted((f.kind, f.column) for f in result.findings) == [
            ("default_mismatch", "created"), ("default_mismatch", "seen")], _explain(result.findings)

        with engine.connect() as conn:
            original = conn.exec_driver_sql("SELECT @@GLOBAL.explicit_defaults_for_timestamp").scalar()
            conn.exec_driver_sql("SET GLOBAL explicit_defaults_for_timestamp = OFF")
        try:
            assert reflect_live(mysql_url).explicit_defaults_for_timestamp is False
            assert check(mysql_url, target).findings == []
            # A default the model declares is compared as ever.
            declared = TIMESTAMPS_MODEL.replace(
                'sa.Column("created", sa.TIMESTAMP, nullable=False)',
                'sa.Column("created", sa.TIMESTAMP, nullable=False, server_default=sa.func.now())')
            changed, _ = _models(tmp_path, "ts_models_2", declared)
            result = check(mysql_url, changed)
            assert [(f.kind, f.column) for f in result.findings] == [("default_mismatch", "created")], (
                _explain(result.findings))
        finally:
            with engine.connect() as conn:
                conn.exec_driver_sql(f"SET GLOBAL explicit_defaults_for_timestamp = {int(original)}")
    finally:
        engine.dispose()

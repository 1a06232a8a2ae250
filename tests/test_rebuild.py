"""SQLite table rebuilds (Alembic batch mode): what SQLite's ALTER TABLE cannot do, done without
losing a row, a constraint, an index, a trigger, a view or an AUTOINCREMENT counter."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from conftest import engine_for

import schemaguard
from schemaguard.apply.sync import SyncFailed, safe_sync
from schemaguard.plan import make_plan

DEV = {"SCHEMAGUARD_ENV": "development"}

LIVE = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, email VARCHAR(20) UNIQUE, "
    "name VARCHAR(20), score INTEGER)",
    "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id) ON DELETE CASCADE, "
    "total INTEGER)",
    "CREATE INDEX ix_users_name ON users (name)",
    "CREATE INDEX ix_users_lower_email ON users (lower(email)) WHERE email IS NOT NULL",
    "CREATE TABLE audit (user_id INTEGER, what TEXT)",
    "CREATE TRIGGER users_audit AFTER UPDATE ON users BEGIN INSERT INTO audit VALUES (new.id, 'update'); END",
    "CREATE VIEW user_names AS SELECT id, name FROM users",
    "INSERT INTO users (email, name, score) VALUES ('a@x', 'ann', 1), ('b@x', 'bob', 2), ('c@x', 'cid', 3)",
    "DELETE FROM users WHERE id = 3",  # AUTOINCREMENT's high-water mark is now 3, above max(id)
    "INSERT INTO orders (user_id, total) VALUES (1, 10), (2, 20), (2, 5)",
]


def models() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(
        "users", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(20), unique=True),
        sa.Column("name", sa.String(20), nullable=False),  # set NOT NULL: a rebuild
        sa.Column("score", sa.BigInteger),  # widened: a rebuild
        sa.Column("created", sa.DateTime, server_default=sa.func.current_timestamp()),  # non-constant default
        sa.Index("ix_users_name", "name"),
        sa.Index("ix_users_lower_email", sa.func.lower(sa.text("email")), sqlite_where=sa.text("email IS NOT NULL")),
        sqlite_autoincrement=True,
    )
    sa.Table(
        "orders", md,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id", ondelete="CASCADE")),
        sa.Column("total", sa.Integer),
    )
    sa.Table("audit", md, sa.Column("user_id", sa.Integer), sa.Column("what", sa.Text), sa.PrimaryKeyConstraint())
    return md


def setup(url: str, sql: list[str]) -> None:
    eng = engine_for(url)
    with eng.begin() as conn:
        for stmt in sql:
            conn.exec_driver_sql(stmt)
    eng.dispose()


def enforcing_engine(url: str) -> sa.Engine:
    """An application's engine with foreign keys enforced: a naive DROP TABLE would cascade."""
    eng = sa.create_engine(url)

    @sa.event.listens_for(eng, "connect")
    def _on(dbapi_conn, _rec):  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA foreign_keys = ON")

    return eng


def dump(url: str) -> dict[str, object]:
    eng = engine_for(url)
    with eng.connect() as conn:
        out = {
            "users": conn.exec_driver_sql("SELECT id, email, name, score FROM users ORDER BY id").fetchall(),
            "orders": conn.exec_driver_sql("SELECT * FROM orders ORDER BY id").fetchall(),
            "view": conn.exec_driver_sql("SELECT * FROM user_names ORDER BY id").fetchall(),
            "objects": sorted(conn.exec_driver_sql(
                "SELECT type, name FROM sqlite_master WHERE name NOT LIKE 'schemaguard%'").fetchall()),
            "sequence": conn.exec_driver_sql("SELECT seq FROM sqlite_sequence WHERE name = 'users'").scalar(),
        }
    eng.dispose()
    return out


def test_rebuild_keeps_rows_indexes_triggers_views_and_the_counter(sqlite_url: str) -> None:
    setup(sqlite_url, LIVE)
    before = dump(sqlite_url)
    plan = make_plan(sqlite_url, models(), mode="alter")
    [step] = [s for s in plan.steps if "rebuild" in s.details]
    assert (step.kind, step.table) == ("alter_column", "users")
    assert step.details["rebuild"] == [
        "add column created DEFAULT current_timestamp",
        "name: set NOT NULL",
        "score: type INTEGER -> BIGINT",
    ]
    assert step.statements[0] == "PRAGMA legacy_alter_table = ON"
    # The database's own CREATE statements put the indexes and the trigger back.
    assert "CREATE INDEX ix_users_lower_email ON users (lower(email)) WHERE email IS NOT NULL" in step.statements
    eng = enforcing_engine(sqlite_url)
    try:
        result = safe_sync(eng, models(), mode="alter", environ=DEV)
    finally:
        eng.dispose()
    assert result.applied and result.remaining == []
    after = dump(sqlite_url)
    assert after["users"] == before["users"]
    assert after["orders"] == before["orders"]  # ON DELETE CASCADE did not fire on the old table's drop
    assert after["view"] == before["view"]
    assert after["objects"] == before["objects"]
    assert after["sequence"] == before["sequence"] == 3
    eng = engine_for(sqlite_url)
    with eng.begin() as conn:
        # AUTOINCREMENT still never reuses id 3; UNIQUE on email and the trigger still work.
        conn.exec_driver_sql("INSERT INTO users (email, name) VALUES ('d@x', 'dan')")
        assert conn.exec_driver_sql("SELECT max(id) FROM users").scalar() == 4
        with pytest.raises(sa.exc.IntegrityError):
            with conn.begin_nested():
                conn.exec_driver_sql("INSERT INTO users (email, name) VALUES ('a@x', 'again')")
        conn.exec_driver_sql("UPDATE users SET score = 9 WHERE id = 1")
        assert conn.exec_driver_sql("SELECT count(*) FROM audit").scalar() == 1
        fk = conn.exec_driver_sql("PRAGMA foreign_key_list(orders)").fetchall()
    eng.dispose()
    assert [(r[2], r[3], r[4], r[6]) for r in fk] == [("users", "user_id", "id", "CASCADE")]


def test_rebuild_adds_and_drops_keys_and_uniques(sqlite_url: str) -> None:
    setup(sqlite_url, [
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(20))",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER, ref VARCHAR(10) UNIQUE, "
        "code VARCHAR(10), CONSTRAINT uq_code UNIQUE (code), CONSTRAINT fk_ref FOREIGN KEY (ref) REFERENCES users (email))",
        "INSERT INTO users VALUES (1, 'a'), (2, 'b')",
        "INSERT INTO orders VALUES (1, 1, 'a', 'x'), (2, 2, 'b', 'x2')",
    ])
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(20)))
    sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")),
             sa.Column("ref", sa.String(10)), sa.Column("code", sa.String(10)))
    safe = make_plan(sqlite_url, md, mode="safe")
    # safe mode adds the key (a rebuild preserves every row) but never drops the old ones.
    assert [(s.kind, s.details["rebuild"]) for s in safe.steps] == [
        ("add_foreign_key", ["add FOREIGN KEY (user_id) REFERENCES users (id)"])
    ]
    assert sorted(s.kind for s in safe.skipped) == ["drop_constraint"] * 3
    result = safe_sync(sqlite_url, md, mode="alter", environ=DEV)
    assert result.applied and result.remaining == []
    eng = engine_for(sqlite_url)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("SELECT * FROM orders ORDER BY id").fetchall() == [(1, 1, "a", "x"), (2, 2, "b", "x2")]
        assert conn.exec_driver_sql("PRAGMA index_list(orders)").fetchall() == []
    eng.dispose()


def test_orphans_fail_the_new_key_and_roll_everything_back(sqlite_url: str) -> None:
    setup(sqlite_url, [
        "CREATE TABLE users (id INTEGER PRIMARY KEY)",
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER)",
        "INSERT INTO users VALUES (1)",
        "INSERT INTO orders VALUES (1, 1), (2, 99)",
    ])
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer))
    sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")))
    db = Path(sqlite_url.removeprefix("sqlite:///"))
    before = db.read_bytes()
    with pytest.raises(SyncFailed, match=r"foreign key check failed: 1 row\(s\) of orders reference missing rows of users"):
        safe_sync(sqlite_url, md, mode="safe", environ=DEV)
    assert db.read_bytes() == before  # the ADD COLUMN on users was rolled back too


@pytest.mark.parametrize(
    ("ddl", "feature"),
    [
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT COLLATE NOCASE, n INTEGER)", "a column collation"),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER, m INTEGER GENERATED ALWAYS AS (n + 1))",
         "a generated column"),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER) WITHOUT ROWID", "WITHOUT ROWID"),
        ("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER) STRICT", "STRICT"),
    ],
)
def test_what_a_rebuild_cannot_carry_is_skipped_with_the_reason(sqlite_url: str, ddl: str, feature: str) -> None:
    setup(sqlite_url, [ddl])
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.Text),
             sa.Column("n", sa.Integer, nullable=False))
    plan = make_plan(sqlite_url, md, mode="alter")
    assert plan.steps == []
    [skipped] = [s for s in plan.skipped if s.finding == "nullable_mismatch"]
    assert (skipped.kind, skipped.column) == ("alter_column", "n")
    assert skipped.reason == (f"SQLite needs a table rebuild, which cannot be done here: the table uses {feature}, "
                              "which a rebuild cannot carry over; change it by hand")


def test_names_that_look_like_keywords_do_not_block_a_rebuild(sqlite_url: str) -> None:
    setup(sqlite_url, ["CREATE TABLE t (id INTEGER PRIMARY KEY, \"strict\" TEXT DEFAULT 'collate', n INTEGER)"])
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("strict", sa.Text, server_default="collate"), sa.Column("n", sa.Integer, nullable=False))
    plan = make_plan(sqlite_url, md, mode="alter")
    assert [s.details.get("rebuild") for s in plan.steps] == [["n: set NOT NULL"]]
    assert schemaguard.safe_sync(sqlite_url, md, mode="alter", environ=DEV).remaining == []


def test_foreign_key_actions_survive_names_sqlalchemy_misreads(sqlite_url: str) -> None:
    """SQLAlchemy reads ON DELETE out of the CREATE TABLE text and loses it when a column name
    holds an escaped quote; the rebuild takes the actions from PRAGMA foreign_key_list instead
    (found by the sync round-trip property test)."""
    setup(sqlite_url, [
        "CREATE TABLE p (id INTEGER PRIMARY KEY)",
        'CREATE TABLE c (id INTEGER PRIMARY KEY, n SMALLINT, "dq""uote" INTEGER REFERENCES p (id) ON DELETE CASCADE)',
    ])
    md = sa.MetaData()
    sa.Table("p", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer),
             sa.Column('dq"uote', sa.Integer, sa.ForeignKey("p.id", ondelete="CASCADE")))
    result = safe_sync(sqlite_url, md, mode="alter", environ=DEV)
    assert [s.details.get("rebuild") for s in result.plan.steps] == [["n: type SMALLINT -> INTEGER"]]
    assert result.remaining == []
    eng = engine_for(sqlite_url)
    with eng.connect() as conn:
        assert [r[6] for r in conn.exec_driver_sql("PRAGMA foreign_key_list(c)")] == ["CASCADE"]
    eng.dispose()

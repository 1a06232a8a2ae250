"""sync under the guard: refusals touch nothing, failures roll everything back, data survives."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_helpers import sg
from conftest import engine_for

from schemaguard.apply.stamp import write_stamp
from schemaguard.apply.sync import SyncFailed, SyncRefused, safe_sync
from schemaguard.checking.check import load_live
from schemaguard.schema.snapshot import dump_snapshot

LIVE = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100))",
    "INSERT INTO users VALUES (1, 'ada@example.com')",
    "INSERT INTO users VALUES (2, NULL)",
]


def models(*, email_not_null: bool = False, extra_table: bool = True, unique_email: bool = False) -> sa.MetaData:
    md = sa.MetaData()
    sa.Table(
        "users",
        md,
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
        sa.Column("email", sa.String(100), nullable=not email_not_null, unique=unique_email),
        sa.Column("nickname", sa.String(40)),
    )
    if extra_table:
        sa.Table(
            "orders",
            md,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("user_id", sa.ForeignKey("users.id")),
        )
    return md


def setup(url: str, statements: list[str] = LIVE) -> None:
    eng = engine_for(url)
    with eng.begin() as conn:
        for stmt in statements:
            conn.exec_driver_sql(stmt)
    eng.dispose()


def state(url: str) -> tuple[str, str]:
    """The schema (as a snapshot) and a checksum of every row of users, to prove nothing changed."""
    eng = engine_for(url)
    with eng.connect() as conn:
        rows = conn.exec_driver_sql("SELECT id, email FROM users ORDER BY id").fetchall()
    live = load_live(eng)
    eng.dispose()
    return dump_snapshot(live), hashlib.sha256(repr(rows).encode()).hexdigest()


DEV = {"APP_ENV": "development"}
DEV_FORCE = {"APP_ENV": "development", "FORCE_SYNC": "true"}


def test_safe_sync_adds_what_is_missing_and_keeps_every_row(db_url: str) -> None:
    setup(db_url)
    _, rows_before = state(db_url)
    result = safe_sync(db_url, models(), mode="safe", environ={})
    assert result.applied and result.environment == "production"
    assert [s.kind for s in result.plan.steps] == ["create_table", "add_column"]
    assert result.remaining == []
    assert state(db_url)[1] == rows_before
    # The first sync recorded its environment, so a later force reset is refused by the database.
    with pytest.raises(SyncRefused, match="the database itself records environment production"):
        safe_sync(db_url, models(), mode="force", environ=DEV_FORCE, yes=True)


@pytest.mark.parametrize(
    "mode, environ, refusal",
    [
        ("alter", {}, "alter_refused"),
        ("force", {}, "force_sync_refused"),
        ("force", DEV, "force_sync_refused"),
        ("force", {"APP_ENV": "staging", "FORCE_SYNC": "1"}, "force_sync_refused"),
        ("force", DEV_FORCE, "force_sync_refused"),  # destructive, no terminal, no --yes
    ],
)
def test_refusals_touch_nothing(db_url: str, mode: str, environ: dict[str, str], refusal: str) -> None:
    setup(db_url)
    before = state(db_url)
    with pytest.raises(SyncRefused) as info:
        safe_sync(db_url, models(), mode=mode, environ=environ)
    assert info.value.refusal == refusal
    assert info.value.exit_code == 4
    assert state(db_url) == before


def test_a_failing_step_rolls_every_step_back(db_url: str) -> None:
    # Duplicates make the unique step fail after the orders table was already created in the
    # same transaction: both must be gone afterwards.
    setup(db_url, [*LIVE, "INSERT INTO users VALUES (3, 'ada@example.com')"])
    before = state(db_url)
    with pytest.raises(SyncFailed) as info:
        safe_sync(db_url, models(unique_email=True), mode="safe", environ={})
    assert info.value.step.kind in ("add_unique", "create_index")
    assert "rolled back" in str(info.value)
    assert state(db_url) == before


def test_set_not_null_on_nulls_fails_and_rolls_back(pg_url: str) -> None:
    setup(pg_url)
    before = state(pg_url)
    with pytest.raises(SyncFailed, match="contains null values"):
        safe_sync(pg_url, models(email_not_null=True), mode="alter", environ=DEV)
    assert state(pg_url) == before


def test_force_resets_only_with_yes_in_development(db_url: str) -> None:
    setup(db_url)
    eng = engine_for(db_url)
    with eng.begin() as conn:
        write_stamp(conn, "development")
    eng.dispose()
    result = safe_sync(db_url, models(), mode="auto", environ=DEV_FORCE, yes=True)
    assert result.mode == "force"
    assert result.dropped_rows == {"users": 2}
    assert result.remaining == []
    eng = engine_for(db_url)
    with eng.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 0
    eng.dispose()


def test_dry_run_changes_nothing(db_url: str) -> None:
    setup(db_url)
    before = state(db_url)
    result = safe_sync(db_url, models(), mode="safe", environ={}, dry_run=True)
    assert not result.applied and [s.kind for s in result.plan.steps] == ["create_table", "add_column"]
    assert state(db_url) == before


def test_confirmation_declined_touches_nothing(sqlite_url: str) -> None:
    setup(sqlite_url)
    before = state(sqlite_url)
    asked: list[dict[str, int]] = []

    def decline(plan, rows):  # type: ignore[no-untyped-def]
        asked.append(dict(rows))
        return False

    with pytest.raises(SyncRefused, match="not confirmed"):
        safe_sync(sqlite_url, models(), mode="force", environ=DEV_FORCE, confirm=decline)
    assert asked == [{"users": 2}]
    assert state(sqlite_url) == before


def test_cli_sync_exit_codes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'app.db'}"
    setup(url)
    models_file = tmp_path / "models.py"
    models_file.write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('users', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False),"
        " sa.Column('email', sa.String(100)), sa.Column('nickname', sa.String(40)))\n"
    )
    target = f"{models_file}:metadata"
    r = sg("sync", "--models", target, "--db", url, "--mode", "force")
    assert r.exit_code == 4, r.stderr
    assert "force_sync_refused" in r.stderr and "nothing was changed" in r.stderr
    r = sg("sync", "--models", target, "--db", url, "--mode", "alter")
    assert r.exit_code == 4 and "alter_refused" in r.stderr
    r = sg("sync", "--models", target, "--db", url, "--dry-run", "--format", "json")
    assert r.exit_code == 0, r.stderr
    r = sg("sync", "--models", target, "--db", url)
    assert r.exit_code == 0, r.stderr
    assert "applied 1 step(s)" in r.stderr
    r = sg("stamp", "staging", "--db", url)
    assert r.exit_code == 0 and "now records environment staging (it recorded production)" in r.stdout


def test_nothing_to_do_writes_nothing(sqlite_url: str) -> None:
    md = models(extra_table=False)
    eng = engine_for(sqlite_url)
    md.create_all(eng)
    eng.dispose()
    before = Path(sqlite_url.removeprefix("sqlite:///")).read_bytes()
    result = safe_sync(sqlite_url, md, mode="auto", environ={})
    assert not result.applied and result.plan.steps == [] and result.remaining == []
    assert Path(sqlite_url.removeprefix("sqlite:///")).read_bytes() == before


def test_connection_killed_mid_plan_leaves_everything_as_it_was(pg_url: str) -> None:
    """pg_terminate_backend on the sync's own connection after its first step: PostgreSQL rolls
    the open transaction back, so the table created by step 1 must not exist afterwards."""
    setup(pg_url)
    before = state(pg_url)
    eng = engine_for(pg_url)
    admin = engine_for(pg_url)
    seen: list[str] = []

    @sa.event.listens_for(eng, "before_cursor_execute")
    def kill_after_first_step(conn, cursor, statement, params, context, executemany):  # type: ignore[no-untyped-def]
        seen.append(statement)
        if statement.startswith("ALTER TABLE users ADD COLUMN"):  # step 2 of the plan
            pid = conn.connection.driver_connection.info.backend_pid
            with admin.connect() as a:
                a.exec_driver_sql(f"SELECT pg_terminate_backend({int(pid)})")

    try:
        with pytest.raises(SyncFailed) as info:
            safe_sync(eng, models(), mode="safe", environ={})
        assert any(s.startswith("CREATE TABLE orders") for s in seen), "step 1 ran before the kill"
        assert info.value.number == 2 and "terminat" in str(info.value).lower()
    finally:
        eng.dispose()
        admin.dispose()
    assert state(pg_url) == before


def test_native_enums_are_created_before_the_tables_that_use_them(pg_url: str) -> None:
    import enum

    class Status(enum.Enum):
        open = "open"
        closed = "closed"

    setup(pg_url)
    md = models()
    sa.Table("tickets", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("status", sa.Enum(Status, name="ticket_status")))
    users = md.tables["users"]
    users.append_column(sa.Column("mood", sa.Enum("happy", "sad", name="mood")))
    result = safe_sync(pg_url, md, mode="safe", environ={})
    assert result.applied and result.remaining == []
    statements = [stmt for s in result.plan.steps for stmt in s.statements]
    assert sum(stmt.startswith("CREATE TYPE") for stmt in statements) == 2
    # Planning again: the types exist now, nothing is left to do.
    from schemaguard.plan import make_plan

    assert make_plan(pg_url, md, mode="safe").steps == []


def test_explicit_sequences_are_created_before_the_tables_and_columns_that_use_them(pg_url: str) -> None:
    setup(pg_url, LIVE + ["CREATE SEQUENCE shared_seq"])
    md = models()
    tickets = sa.Table("tickets", md, sa.Column("id", sa.Integer, sa.Sequence("ticket_id_seq", start=100), primary_key=True),
                       sa.Column("ref", sa.Integer, sa.Sequence("shared_seq")))
    md.tables["users"].append_column(sa.Column("badge", sa.Integer, sa.Sequence("badge_seq")))
    result = safe_sync(pg_url, md, mode="safe", environ={})
    assert result.applied and result.remaining == []
    statements = [stmt for s in result.plan.steps for stmt in s.statements]
    # shared_seq exists already: only the two missing sequences are created, each before its user.
    assert [s for s in statements if "SEQUENCE" in s] == [
        "CREATE SEQUENCE ticket_id_seq START WITH 100",
        "CREATE SEQUENCE badge_seq",
    ]
    eng = engine_for(pg_url)
    with eng.begin() as conn:
        conn.execute(tickets.insert())  # the application's nextval calls work
        assert conn.execute(sa.select(tickets.c.id, tickets.c.ref)).one() == (100, 1)
    eng.dispose()
    from schemaguard.plan import make_plan

    assert make_plan(pg_url, md, mode="safe").steps == []


def test_force_reset_releases_keys_that_tables_outside_the_models_hold(db_url: str) -> None:
    force_with_an_outside_key(db_url, enforced=False)


def test_force_reset_with_sqlite_foreign_keys_on_cascades_nowhere(sqlite_url: str) -> None:
    force_with_an_outside_key(sqlite_url, enforced=True)


def force_with_an_outside_key(db_url: str, *, enforced: bool) -> None:
    """A table the models do not declare (audit) references users: PostgreSQL will not drop users
    until that key is released; SQLite with foreign_keys on would cascade into audit's rows. The
    reset drops and recreates users and orders only; audit keeps every row and (NOT VALID on
    PostgreSQL) its key."""
    setup(db_url, LIVE + [
        "CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id))",
        "INSERT INTO orders VALUES (1, 1)",
        "CREATE TABLE audit (id INTEGER PRIMARY KEY, user_id INTEGER, "
        "CONSTRAINT audit_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE)",
        "INSERT INTO audit VALUES (1, 1), (2, 2)",
    ])
    eng = sa.create_engine(db_url)
    if enforced:
        @sa.event.listens_for(eng, "connect")
        def _on(dbapi_conn, _rec):  # type: ignore[no-untyped-def]
            dbapi_conn.execute("PRAGMA foreign_keys = ON")
    stamp_eng = engine_for(db_url)
    with stamp_eng.begin() as conn:
        write_stamp(conn, "development")
    stamp_eng.dispose()
    try:
        result = safe_sync(eng, models(), mode="force", yes=True, environ=DEV_FORCE)
    finally:
        eng.dispose()
    assert result.applied and result.remaining == [] or {f.kind for f in result.remaining} == {"table_extra"}
    kinds = [(s.kind, s.table) for s in result.plan.steps]
    if db_url.startswith("postgresql"):
        assert kinds[0] == ("drop_constraint", "audit")
        assert kinds[-1] == ("add_foreign_key", "audit")
        assert result.plan.steps[-1].statements == [
            "ALTER TABLE audit ADD CONSTRAINT audit_user_fk FOREIGN KEY(user_id) REFERENCES users (id) "
            "ON DELETE CASCADE NOT VALID"
        ]
    assert ("drop_table", "orders") in kinds and ("drop_table", "users") in kinds
    assert kinds.index(("drop_table", "orders")) < kinds.index(("drop_table", "users"))
    check = engine_for(db_url)
    with check.connect() as conn:
        assert conn.exec_driver_sql("SELECT id, user_id FROM audit ORDER BY id").fetchall() == [(1, 1), (2, 2)]
        assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 0
    check.dispose()


@pytest.mark.parametrize("compared", [None, "app"])
def test_force_reset_releases_keys_that_tables_in_other_schemas_hold(pg_url: str, compared: str | None) -> None:
    """A table in another schema (never compared, never dropped) references a table the reset
    drops. PostgreSQL refuses the DROP while that key exists: it is dropped first, as its own step
    naming its schema, and put back NOT VALID (with its actions and its deferrability) on the new
    table; the other schema's rows are untouched. Compared here: the default schema (public, the
    outside table in billing) and a named one (app, the outside table in public)."""
    home, outside = ("public", "billing") if compared is None else ("app", "public")
    setup(pg_url, [
        "CREATE SCHEMA IF NOT EXISTS app", "CREATE SCHEMA IF NOT EXISTS billing",
        f"CREATE TABLE {home}.users (id INTEGER PRIMARY KEY, email VARCHAR(100))",
        f"INSERT INTO {home}.users VALUES (1, 'ada@example.com'), (2, NULL)",
        f"CREATE TABLE {home}.orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES {home}.users (id))",
        f"CREATE TABLE {outside}.invoices (id INTEGER PRIMARY KEY, user_id INTEGER, "
        f'CONSTRAINT "Invoice user" FOREIGN KEY (user_id) REFERENCES {home}.users (id) '
        "ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED)",
        f"INSERT INTO {outside}.invoices VALUES (10, 1), (11, 2), (12, NULL)",
        # A key between two tables of the other schema, and one from it to a table the reset keeps.
        f"CREATE TABLE {outside}.notes (id INTEGER PRIMARY KEY, invoice_id INTEGER REFERENCES {outside}.invoices (id))",
    ])
    stamp_eng = engine_for(pg_url)
    with stamp_eng.begin() as conn:
        write_stamp(conn, "development")
    stamp_eng.dispose()
    md = models()
    if compared is not None:
        for t in md.tables.values():
            t.schema = compared
    result = safe_sync(pg_url, md, mode="force", schema=compared, yes=True, environ=DEV_FORCE)
    assert result.applied, result
    steps = result.plan.steps
    assert (steps[0].kind, steps[0].table, steps[0].details.get("schema")) == ("drop_constraint", "invoices", outside)
    assert steps[0].statements == [f'ALTER TABLE {outside}.invoices DROP CONSTRAINT "Invoice user"']
    last = steps[-1]
    assert (last.kind, last.table, last.details.get("schema"), last.details.get("not_valid")) == (
        "add_foreign_key", "invoices", outside, True)
    ref = "users" if compared is None else "app.users"
    assert last.statements == [
        f'ALTER TABLE {outside}.invoices ADD CONSTRAINT "Invoice user" FOREIGN KEY(user_id) REFERENCES {ref} (id) '
        "ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED NOT VALID"
    ]
    # Only the key into a dropped table was released.
    assert [s for s in steps if s.details.get("schema") == outside] == [steps[0], last]
    # The text formats name the other schema's table with its schema.
    from schemaguard.report.plan import plan_sql, step_where

    assert step_where(steps[0]) == f"{outside}.invoices.user_id"
    assert f"-- step 1: drop_constraint {outside}.invoices.user_id" in plan_sql(result.plan)
    eng = engine_for(pg_url)
    with eng.connect() as conn:
        assert conn.exec_driver_sql(f"SELECT id, user_id FROM {outside}.invoices ORDER BY id").fetchall() == [
            (10, 1), (11, 2), (12, None)]
        assert conn.exec_driver_sql(f"SELECT count(*) FROM {home}.users").scalar() == 0
        (definition,) = conn.exec_driver_sql(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'Invoice user'").one()
        assert definition.startswith("FOREIGN KEY (user_id) REFERENCES") and definition.endswith(
            "(id) ON DELETE SET NULL DEFERRABLE INITIALLY DEFERRED NOT VALID")
    eng.dispose()


def _force(pg_url: str, statements: list[str], md: sa.MetaData, schema: str | None = None):  # type: ignore[no-untyped-def]
    setup(pg_url, statements)
    stamp_eng = engine_for(pg_url)
    with stamp_eng.begin() as conn:
        write_stamp(conn, "development")
    stamp_eng.dispose()
    return safe_sync(pg_url, md, mode="force", schema=schema, yes=True, environ=DEV_FORCE)


def _key_target(pg_url: str, name: str) -> str:
    eng = engine_for(pg_url)
    with eng.connect() as conn:
        target = conn.exec_driver_sql(
            "SELECT confrelid::regclass::text || ' ' || pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conname = %(n)s", {"n": name}).scalar()
    eng.dispose()
    return str(target)


def test_force_reset_of_models_bound_to_a_schema_puts_keys_back_on_that_schema(pg_url: str) -> None:
    """Models declared with schema="app", synced without --schema: the other schema's key is put
    back on app.users, never on a public.users that the search path finds first."""
    md = sa.MetaData(schema="app")
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    result = _force(pg_url, [
        "CREATE SCHEMA app", "CREATE TABLE app.users (id INTEGER PRIMARY KEY)", "INSERT INTO app.users VALUES (1)",
        "CREATE TABLE public.users (id INTEGER PRIMARY KEY)",
        "CREATE TABLE public.invoices (id INTEGER PRIMARY KEY, user_id INTEGER, "
        "CONSTRAINT inv_user FOREIGN KEY (user_id) REFERENCES app.users (id))",
        "INSERT INTO public.invoices VALUES (1, 1)",
    ], md)
    assert result.applied
    assert _key_target(pg_url, "inv_user") == "app.users FOREIGN KEY (user_id) REFERENCES app.users(id) NOT VALID"


def test_force_reset_put_back_follows_column_spelling_and_set_null_columns(pg_url: str) -> None:
    """The new table has the models' column names (id where the database said "Id"), and a key's
    ON DELETE SET NULL (columns) list survives, whatever its column names hold."""
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    result = _force(pg_url, [
        'CREATE TABLE users ("Id" INTEGER PRIMARY KEY)',
        "CREATE SCHEMA billing",
        'CREATE TABLE billing.inv (id INTEGER PRIMARY KEY, "user (id)" INTEGER, other INTEGER, '
        'CONSTRAINT inv_user FOREIGN KEY ("user (id)") REFERENCES users ("Id") ON DELETE SET NULL ("user (id)"))',
    ], md)
    assert result.applied
    assert _key_target(pg_url, "inv_user") == (
        'users FOREIGN KEY ("user (id)") REFERENCES users(id) ON DELETE SET NULL ("user (id)") NOT VALID')


@pytest.mark.parametrize("rows_reference", [False, True])
def test_force_reset_with_a_partitioned_table_holding_a_key(pg_url: str, rows_reference: bool) -> None:
    """PostgreSQL cannot put a NOT VALID key on a partitioned table: the key is put back validated.
    With no row referencing the old rows the reset goes through; with one, it fails and nothing
    changes."""
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False))
    statements = [
        "CREATE TABLE users (id INTEGER PRIMARY KEY)", "INSERT INTO users VALUES (1)",
        "CREATE SCHEMA billing",
        "CREATE TABLE billing.events (id INTEGER, user_id INTEGER REFERENCES users (id)) PARTITION BY RANGE (id)",
        "CREATE TABLE billing.events_1 PARTITION OF billing.events FOR VALUES FROM (0) TO (100)",
        f"INSERT INTO billing.events VALUES (1, {1 if rows_reference else 'NULL'})",
    ]
    if rows_reference:
        with pytest.raises(SyncFailed, match="violates foreign key constraint"):
            _force(pg_url, statements, md)
        eng = engine_for(pg_url)
        with eng.connect() as conn:
            assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 1
        eng.dispose()
        return
    result = _force(pg_url, statements, md)
    assert result.applied
    kinds = [(s.kind, s.table, s.details.get("schema")) for s in result.plan.steps]
    # One release: the partition's copy of the key goes with its parent's.
    assert kinds.count(("drop_constraint", "events", "billing")) == 1 and not any(k[1] == "events_1" for k in kinds)
    last = result.plan.steps[-1]
    assert last.hazards == ["add_foreign_key_validating"] and "NOT VALID" not in last.sql
    assert _key_target(pg_url, "events_user_id_fkey").startswith("users FOREIGN KEY (user_id) REFERENCES users(id)")


def _parent_child(parent_cols: list[sa.Column], parent_args: tuple = (), ref: str = "parents.code") -> sa.MetaData:  # type: ignore[type-arg]
    md = sa.MetaData()
    sa.Table("parents", md, *parent_cols, *parent_args)
    sa.Table("children", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("parent_code", sa.ForeignKey(ref)))
    return md


def _sync_leaves_only_skipped(db_url: str, live: list[str], md: sa.MetaData, mode: str) -> object:
    setup(db_url, live)
    result = safe_sync(db_url, md, mode=mode, environ=DEV)
    skipped = {(s.finding, s.table) for s in result.plan.skipped}
    # What remains is exactly what the plan said it skips; the key is among it, with its reason.
    assert {(f.kind, f.table) for f in result.remaining} <= skipped
    (fk,) = [s for s in result.plan.skipped if s.kind == "add_foreign_key"]
    assert not [s for s in result.plan.steps if s.kind == "add_foreign_key"]
    return fk


def test_a_key_to_a_column_the_plan_cannot_add_is_skipped(db_url: str) -> None:
    md = _parent_child([sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                        sa.Column("code", sa.String(20), nullable=False, unique=True)])
    fk = _sync_leaves_only_skipped(db_url, [
        "CREATE TABLE parents (id INTEGER PRIMARY KEY)", "INSERT INTO parents VALUES (1)",
        "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_code VARCHAR(20))",
    ], md, "alter")
    assert "the column code it references in parents is not added" in fk.reason


def test_a_key_to_columns_without_a_unique_constraint_is_skipped(db_url: str) -> None:
    """The models say parents.code is the primary key; the database's parents has another one,
    which a plan never changes: nothing makes code unique, so the key cannot be added."""
    md = _parent_child([sa.Column("code", sa.String(20), primary_key=True)])
    fk = _sync_leaves_only_skipped(db_url, [
        "CREATE TABLE parents (id INTEGER PRIMARY KEY)",
        "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_code VARCHAR(20))",
    ], md, "alter")
    assert "has no primary key or unique constraint in the database, and this plan does not add one" in fk.reason


def test_a_key_waits_for_the_unique_constraint_the_plan_adds(db_url: str) -> None:
    md = _parent_child([sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                        sa.Column("code", sa.String(20), unique=True)])
    setup(db_url, ["CREATE TABLE parents (id INTEGER PRIMARY KEY, code VARCHAR(20))",
                   "INSERT INTO parents VALUES (1, 'a'), (2, 'b')",
                   "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_code VARCHAR(20))",
                   "INSERT INTO children VALUES (1, 'a')"])
    result = safe_sync(db_url, md, mode="safe", environ=DEV)
    assert result.applied and result.remaining == []
    kinds = [s.kind for s in result.plan.steps]
    if db_url.startswith("postgresql"):
        assert kinds == ["add_unique", "add_foreign_key"]
    else:  # the key in a rebuild of children; the unique index after it, checked before COMMIT
        assert sorted(kinds) == ["add_foreign_key", "add_unique"]


def test_a_key_whose_unique_constraint_is_skipped_for_duplicates_is_skipped_too(pg_url: str) -> None:
    """code is added with one default for every row, so its unique constraint would fail on a
    table of two rows: measuring the plan skips it, and the key that needs it."""
    md = _parent_child([sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                        sa.Column("code", sa.String(20), nullable=False, server_default="x", unique=True)])
    fk = _sync_leaves_only_skipped(pg_url, [
        "CREATE TABLE parents (id INTEGER PRIMARY KEY)", "INSERT INTO parents VALUES (1), (2)",
        "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_code VARCHAR(20))",
    ], md, "safe")
    assert "whose unique constraint is skipped above" in fk.reason


def test_a_key_between_types_postgresql_cannot_compare_is_skipped(pg_url: str) -> None:
    """The models say parents.code is an INTEGER; the database has it as VARCHAR and safe mode
    never changes a type: children.parent_code (INTEGER) cannot reference it."""
    md = _parent_child([sa.Column("code", sa.Integer, primary_key=True, autoincrement=False)])
    md.tables["children"].c.parent_code.type = sa.Integer()
    fk = _sync_leaves_only_skipped(pg_url, [
        "CREATE TABLE parents (code VARCHAR(20) PRIMARY KEY)",
        "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_code INTEGER)",
    ], md, "safe")
    assert "(INTEGER) cannot reference parents.code (VARCHAR(20))" in fk.reason


def test_a_replaced_key_that_cannot_hold_keeps_the_old_one(pg_url: str) -> None:
    """foreign_key_mismatch: the models point children.parent_code at parents.code, which has no
    unique constraint; the database's key (to parents.id) is kept rather than dropped for nothing."""
    md = _parent_child([sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
                        sa.Column("code", sa.Integer)])
    md.tables["children"].c.parent_code.type = sa.Integer()
    setup(pg_url, ["CREATE TABLE parents (id INTEGER PRIMARY KEY, code INTEGER)",
                   "CREATE TABLE children (id INTEGER PRIMARY KEY, parent_code INTEGER "
                   "CONSTRAINT children_parent_fk REFERENCES parents (id))"])
    result = safe_sync(pg_url, md, mode="alter", environ=DEV)
    assert not [s for s in result.plan.steps if "children_parent_fk" in s.sql]
    assert [s.finding for s in result.plan.skipped if s.kind == "add_foreign_key"] == ["foreign_key_mismatch"]
    assert _key_target(pg_url, "children_parent_fk") == "parents FOREIGN KEY (parent_code) REFERENCES parents(id)"


SYNC_KEYS = {"schemaguard", "mode", "environment", "allowed", "steps", "skipped", "database", "refusal", "dry_run",
             "applied", "dropped_rows", "failed", "remaining", "summary"}


def test_cli_sync_json_document_for_every_outcome(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    url = f"sqlite:///{tmp_path / 'app.db'}"
    setup(url)
    models_file = tmp_path / "models.py"
    models_file.write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('users', metadata, sa.Column('id', sa.Integer, primary_key=True, autoincrement=False),"
        " sa.Column('email', sa.String(100), nullable=False), sa.Column('nickname', sa.String(40)),"
        " sa.Column('legacy', sa.Integer))\n"
    )
    target = f"{models_file}:metadata"
    for name in ("SCHEMAGUARD_ENV", "APP_ENV", "ENVIRONMENT", "NODE_ENV", "FORCE_SYNC"):
        monkeypatch.delenv(name, raising=False)

    def run(*args: str) -> tuple[int, dict[str, object]]:
        r = sg("sync", "--models", target, "--db", url, "--format", "json", *args)
        doc = json.loads(r.stdout)
        assert set(doc) == SYNC_KEYS, r.stdout
        return r.exit_code, doc

    # Refused before planning: production does not allow alter.
    code, doc = run("--mode", "alter")
    assert code == 4
    assert (doc["allowed"], doc["applied"], doc["refusal"]) == (
        False, False, {"kind": "alter_refused", "reason": doc["refusal"]["reason"]})  # type: ignore[index]
    assert doc["environment"] == "production" and doc["steps"] == []
    # Dry run in safe mode: the plan, nothing applied.
    code, doc = run("--dry-run")
    assert code == 0 and doc["dry_run"] is True and doc["applied"] is False
    assert [s["kind"] for s in doc["steps"]] == ["add_column", "add_column"]  # type: ignore[index]
    # Failed: development alter sets email NOT NULL over a NULL; everything is rolled back (exit 5:
    # a sync that started and failed; the data is the cause).
    code, doc = run("--mode", "alter", "--env", "development")
    assert code == 5 and doc["applied"] is False
    assert doc["failed"]["cause"] == "error"  # type: ignore[index]
    # (SQLite: one rebuild of users makes all three changes, so the step names the table)
    assert (doc["failed"]["kind"], doc["failed"]["table"]) == ("alter_column", "users")  # type: ignore[index]
    assert "NOT NULL constraint failed" in doc["failed"]["error"]  # type: ignore[index]
    # Applied in safe mode: what remains is reported, and fails the run by --fail-on.
    code, doc = run()
    assert doc["applied"] is True and doc["allowed"] is True and doc["failed"] is None
    assert [(f["kind"], f["column"]) for f in doc["remaining"]] == [("nullable_mismatch", "email")]  # type: ignore[union-attr, index]
    assert doc["summary"] == {"error": 0, "warning": 1, "info": 0} and code == 1
    code, doc = run("--fail-on", "error")
    assert code == 0 and doc["applied"] is False and doc["steps"] == []

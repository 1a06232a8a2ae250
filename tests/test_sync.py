"""sync under the guard: refusals touch nothing, failures roll everything back, data survives."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from cli_helpers import sg
from conftest import engine_for

from schemaguard.compare import load_live
from schemaguard.snapshot import dump_snapshot
from schemaguard.stamp import write_stamp
from schemaguard.sync import SyncFailed, SyncRefused, safe_sync

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

"""sync on MySQL/MariaDB, where every DDL statement commits at once: the plan runs step by step, and a
step that fails has the steps before it undone in reverse order, verified by reading the schema
again (CONTRACT: exit 5, "everything it did was undone").

The faults are real: data that refuses a foreign key, a step whose statement the server rejects
(put at every position of a plan), a step that fails half-way, a connection killed under the sync,
a table lock held by another session. After each, the schema and every row are as they were and
the next sync succeeds.
"""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from schemaguard.apply.sync import SyncFailed, SyncRefused, safe_sync
from schemaguard.checking.check import check
from schemaguard.plan import Step

pytestmark = pytest.mark.mysql

REPO = Path(__file__).resolve().parent.parent


def _engine(url: str) -> sa.Engine:
    return sa.create_engine(url.replace("mysql://", "mysql+pymysql://", 1))


def _before() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("email", sa.String(200), nullable=False))
    sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("user_id", sa.Integer),
             sa.Column("total", sa.Numeric(10, 2)))
    return md


def _after() -> sa.MetaData:
    """Five steps in safe mode: a table, two columns, an index, a foreign key (in that order)."""
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("email", sa.String(200), nullable=False),
             sa.Column("nick", sa.String(50)), sa.Column("age", sa.Integer, server_default="0"),
             sa.Index("ix_users_nick", "nick"))
    sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("user_id", sa.Integer, sa.ForeignKey("users.id")), sa.Column("total", sa.Numeric(10, 2)))
    sa.Table("events", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("name", sa.String(50), unique=True))
    return md


def _legacy(url: str, orphan: bool = False) -> None:
    engine = _engine(url)
    _before().create_all(engine)
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x'), (3, 'c@x')")
        conn.exec_driver_sql("INSERT INTO orders VALUES (1, 1, 9.50), (2, 2, 10.00), (3, %s, 1.25)",
                             (99 if orphan else 3,))
    engine.dispose()


def _rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    engine = _engine(url)
    with engine.connect() as conn:
        names = sorted(sa.inspect(conn).get_table_names())
        out = {n: [tuple(r) for r in conn.exec_driver_sql(f"SELECT * FROM `{n}` ORDER BY 1")] for n in names}
    engine.dispose()
    return out


def _as_it_was(url: str, rows: dict[str, list[tuple[Any, ...]]]) -> None:
    """The schema is the one the legacy models describe (no finding at all) and every row is there."""
    assert check(url, _before()).findings == []
    assert {k: v for k, v in _rows(url).items() if not k.startswith("schemaguard_")} == rows


def _failing_step(number: int) -> Step:
    return Step("create_index", "no_such_table", None, [f"CREATE INDEX ix_fault_{number} ON no_such_table (x)"],
                undo=[f"DROP INDEX ix_fault_{number} ON no_such_table"])


def _inject(monkeypatch: pytest.MonkeyPatch, position: int, step: Step | None = None) -> None:
    """Plans get a step the server refuses, at `position` (1-based)."""
    import schemaguard.plan as planning

    real = planning.make_plan

    def make_plan(*args: Any, **kwargs: Any) -> Any:
        plan = real(*args, **kwargs)
        plan.steps.insert(position - 1, step or _failing_step(position))
        return plan

    monkeypatch.setattr(planning, "make_plan", make_plan)


def test_safe_sync_applies_step_by_step_and_the_models_then_agree(mysql_url: str) -> None:
    _legacy(mysql_url)
    rows = _rows(mysql_url)
    result = safe_sync(mysql_url, _after(), mode="safe", environ={})
    assert result.applied and [s.kind for s in result.plan.steps] == [
        "create_table", "add_column", "add_column", "create_index", "add_foreign_key"]
    assert result.remaining == []
    assert check(mysql_url, _after()).findings == []
    after = _rows(mysql_url)
    assert after["users"] == [r + (None, 0) for r in rows["users"]] and after["orders"] == rows["orders"]
    assert after["schemaguard_environment"][0][1] == "production"  # the first sync's stamp
    again = safe_sync(mysql_url, _after(), mode="safe", environ={})
    assert not again.plan.steps and not again.applied


def test_rows_a_new_foreign_key_would_refuse_are_counted_first_and_the_key_skipped(mysql_url: str) -> None:
    """Measured before the first step: one order references a user that does not exist, so the
    key is skipped with that count and the four other steps apply (MySQL would refuse the key
    after they had been committed)."""
    _legacy(mysql_url, orphan=True)
    result = safe_sync(mysql_url, _after(), mode="safe", environ={})
    assert result.applied and [s.kind for s in result.plan.steps] == [
        "create_table", "add_column", "add_column", "create_index"]
    [skip] = result.plan.skipped
    assert skip.kind == "add_foreign_key" and skip.table == "orders"
    assert skip.reason.startswith("1 row(s) of orders have user_id values that no users row has (id)")
    assert [f.kind for f in result.remaining] == ["foreign_key_missing"]
    engine = _engine(mysql_url)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE orders SET user_id = 3 WHERE user_id = 99")
    engine.dispose()
    again = safe_sync(mysql_url, _after(), mode="safe", environ={})
    assert [s.kind for s in again.plan.steps] == ["add_foreign_key"] and again.remaining == []


def test_a_row_written_after_the_plan_was_measured_fails_the_key_and_the_steps_are_undone(
    mysql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The application writes an orphan between the measuring and the key (a real race): the
    server refuses step 5, and steps 4..1 are undone."""
    import schemaguard.plan as planning

    _legacy(mysql_url)
    real = planning.make_plan

    def make_plan(*args: Any, **kwargs: Any) -> Any:
        plan = real(*args, **kwargs)
        engine = _engine(mysql_url)
        with engine.begin() as conn:
            conn.exec_driver_sql("INSERT INTO orders VALUES (4, 77, 3.00)")
        engine.dispose()
        return plan

    monkeypatch.setattr(planning, "make_plan", make_plan)
    with pytest.raises(SyncFailed) as info:
        safe_sync(mysql_url, _after(), mode="safe", environ={})
    failed = info.value
    assert failed.exit_code == 5 and failed.number == 5 and failed.step is not None
    assert failed.step.kind == "add_foreign_key" and failed.cause == "error"
    assert failed.undoing is not None
    assert failed.undoing.applied == [1, 2, 3, 4] and failed.undoing.undone == [4, 3, 2, 1]
    assert failed.undoing.restored is True and failed.undoing.undo_errors == []
    message = str(failed)
    assert "Cannot add or update a child row" in message
    assert "steps applied before it: 1-4; undone in reverse order: 4, 3, 2, 1" in message
    assert "the schema was read again and is as it was" in message and "fix the data" in message
    # As it was, with the application's row.
    _as_it_was(mysql_url, {"users": [(1, "a@x"), (2, "b@x"), (3, "c@x")],
                           "orders": [(1, 1, Decimal("9.50")), (2, 2, Decimal("10.00")), (3, 3, Decimal("1.25")),
                                      (4, 77, Decimal("3.00"))]})


@pytest.mark.parametrize("position", [1, 2, 3, 4, 5, 6])
def test_a_step_failing_at_any_position_leaves_schema_and_rows_as_they_were(
    position: int, mysql_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    _legacy(mysql_url)
    rows = _rows(mysql_url)
    _inject(monkeypatch, position)
    with pytest.raises(SyncFailed) as info:
        safe_sync(mysql_url, _after(), mode="safe", environ={})
    undoing = info.value.undoing
    assert info.value.number == position and undoing is not None
    assert undoing.applied == list(range(1, position))
    assert undoing.undone == list(range(position - 1, 0, -1))
    assert undoing.restored is True, undoing.differences
    _as_it_was(mysql_url, rows)
    monkeypatch.undo()
    assert safe_sync(mysql_url, _after(), mode="safe", environ={}).applied


def test_a_step_that_fails_half_way_is_undone_too(mysql_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """A step of two statements whose second fails: the first one's effect is undone as well."""
    _legacy(mysql_url)
    rows = _rows(mysql_url)
    half = Step("create_table", "scratch", None,
                ["CREATE TABLE scratch (id INTEGER PRIMARY KEY)", "CREATE INDEX ix_scratch ON no_such_table (x)"],
                undo=["DROP INDEX ix_scratch ON no_such_table", "DROP TABLE scratch"])
    _inject(monkeypatch, 3, half)
    with pytest.raises(SyncFailed) as info:
        safe_sync(mysql_url, _after(), mode="safe", environ={})
    undoing = info.value.undoing
    assert undoing is not None and undoing.partial == 3
    assert undoing.applied == [1, 2] and undoing.undone == [3, 2, 1] and undoing.restored is True
    assert "(step 3 had run in part)" in str(info.value)
    _as_it_was(mysql_url, rows)


def test_an_undo_that_cannot_restore_is_reported_with_what_remains(mysql_url: str,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """Verification is real: a step whose undo does nothing leaves its table behind, and the sync
    says so (exit 5, "NOT as it was", the table named) instead of claiming it was undone."""
    _legacy(mysql_url)
    leaky = Step("create_table", "leftover", None, ["CREATE TABLE leftover (id INTEGER PRIMARY KEY)"], undo=[])
    _inject(monkeypatch, 1, leaky)
    _inject(monkeypatch, 3)
    with pytest.raises(SyncFailed) as info:
        safe_sync(mysql_url, _after(), mode="safe", environ={})
    undoing = info.value.undoing
    assert undoing is not None and undoing.restored is False
    assert undoing.differences == ["table left behind leftover"]
    assert "the database is NOT as it was: table left behind leftover" in str(info.value)
    assert "revert them by hand" in (info.value.hint or "")


def test_cli_exit_5_and_the_json_says_what_was_applied_and_undone(mysql_url: str, tmp_path: Path) -> None:
    """Another session's open transaction holds users: step 1 (create events) is applied, step 2
    (add a column to users) gives up after --lock-timeout, step 1 is undone."""
    _legacy(mysql_url)
    models = tmp_path / "after_models.py"
    models.write_text("from test_sync_mysql import _after\nmetadata = _after()\n")
    env = {"PYTHONPATH": f"{REPO}:{REPO / 'tests'}", "PATH": "/usr/bin:/bin"}
    engine = _engine(mysql_url)
    holder = engine.connect()
    holder.exec_driver_sql("SELECT count(*) FROM users").scalar()
    try:
        r = subprocess.run([sys.executable, "-m", "schemaguard", "sync", "--models", f"{models}:metadata", "--db",
                            mysql_url, "--yes", "--lock-timeout", "1s", "--lock-retries", "0", "--format", "json"],
                           env=env, capture_output=True, text=True, timeout=120)
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
    assert r.returncode == 5, r.stderr
    doc = json.loads(r.stdout)
    assert doc["applied"] is False and doc["failed"]["step"] == 2
    assert doc["failed"]["kind"] == "add_column" and doc["failed"]["cause"] == "lock_timeout"
    assert doc["failed"]["undo"] == {"applied": [1], "undone": [1], "partial": None,
                                     "undo_errors": [], "restored": True, "differences": []}
    assert "could not lock users within --lock-timeout 1s in 1 try" in r.stderr
    assert check(mysql_url, _before()).findings == []


def test_connection_killed_under_the_sync_is_undone_on_a_new_connection(mysql_url: str,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """Step 4 sleeps; another session kills the sync's connection while it does. The undo runs on
    a connection of its own, and the failure says the connection was lost."""
    _legacy(mysql_url)
    rows = _rows(mysql_url)
    _inject(monkeypatch, 4, Step("create_index", "users", None, ["SELECT SLEEP(30)"], undo=[]))
    engine = _engine(mysql_url)
    killed: list[int] = []

    def killer() -> None:
        with engine.connect() as conn:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and not killed:
                pid = conn.exec_driver_sql(
                    "SELECT ID FROM information_schema.PROCESSLIST WHERE INFO = 'SELECT SLEEP(30)'").scalar()
                if pid:
                    conn.exec_driver_sql(f"KILL CONNECTION {int(pid)}")
                    killed.append(int(pid))
                time.sleep(0.05)

    thread = threading.Thread(target=killer)
    thread.start()
    try:
        started = time.monotonic()
        with pytest.raises(SyncFailed) as info:
            safe_sync(mysql_url, _after(), mode="safe", environ={})
        assert time.monotonic() - started < 25
    finally:
        thread.join()
        engine.dispose()
    assert killed and info.value.cause == "connection" and info.value.number == 4
    undoing = info.value.undoing
    assert undoing is not None and undoing.undone == [3, 2, 1] and undoing.restored is True
    _as_it_was(mysql_url, rows)


def test_a_table_lock_held_elsewhere_exits_5_with_the_holder_and_nothing_left(mysql_url: str) -> None:
    """Another session's open transaction on users holds its metadata lock: the sync creates the
    events table, waits at most --lock-timeout for users on each of its tries, undoes the table
    and names the session."""
    _legacy(mysql_url)
    rows = _rows(mysql_url)
    engine = _engine(mysql_url)
    holder = engine.connect()
    holder.exec_driver_sql("SELECT count(*) FROM users").scalar()  # an open transaction on users
    holder_pid = holder.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
    try:
        started = time.monotonic()
        with pytest.raises(SyncFailed) as info:
            safe_sync(mysql_url, _after(), mode="safe", environ={}, lock_timeout="1s", lock_retries=1)
        elapsed = time.monotonic() - started
    finally:
        holder.rollback()
        holder.close()
        engine.dispose()
    failed = info.value
    assert failed.cause == "lock_timeout" and failed.exit_code == 5 and failed.step is not None
    assert failed.step.table == "users"
    message = str(failed)
    assert "could not lock users within --lock-timeout 1s in 2 tries" in message
    assert f"connection {holder_pid}" in message
    assert "undone in reverse order" in message and "run it again when the table is not in use" in message
    assert elapsed < 20, elapsed
    _as_it_was(mysql_url, rows)


def test_a_step_that_cannot_be_undone_needs_yes_before_anything_runs(mysql_url: str,
                                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    _legacy(mysql_url)
    rows = _rows(mysql_url)
    gone = Step("drop_table", "scratch", None, ["DROP TABLE IF EXISTS scratch"], undo=[],
                irreversible="the rows of scratch cannot be brought back")
    _inject(monkeypatch, 1, gone)
    with pytest.raises(SyncRefused) as info:
        safe_sync(mysql_url, _after(), mode="safe", environ={})
    assert info.value.exit_code == 4
    assert ("commits each DDL statement, so if a later step failed these could not be undone: step 1 "
            "(drop_table scratch): the rows of scratch cannot be brought back") in str(info.value)
    assert "pass --yes" in str(info.value)
    _as_it_was(mysql_url, rows)  # nothing ran
    # A person at a terminal may confirm it; with --yes it runs.
    asked: list[int] = []
    with pytest.raises(SyncRefused):
        safe_sync(mysql_url, _after(), mode="safe", environ={},
                  confirm=lambda plan, counts: bool(asked.append(len(plan.steps))))
    assert asked == [6]
    assert safe_sync(mysql_url, _after(), mode="safe", environ={}, yes=True).applied

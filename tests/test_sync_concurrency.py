"""Syncs that many replicas run at once, and syncs that meet locks and faults (CONTRACT: exit 5 and
the guard's lock).

Real processes, not threads: each replica is a Python process started on a common gate (a file the
test creates once every process is waiting), so they reach the database within a millisecond of
each other. PostgreSQL is the suite's throwaway server (a fresh database per test; the restart test
starts a server of its own), SQLite a file in the test's temporary folder.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from schemaguard.dialects.postgresql import SYNC_LOCK_KEY

REPO = Path(__file__).resolve().parent.parent
# Run the races and faults many times by hand to show they are not flaky:
#   SCHEMAGUARD_RACE_ROUNDS=200 python -m pytest tests/test_sync_concurrency.py
ROUNDS = int(os.environ.get("SCHEMAGUARD_RACE_ROUNDS", "1"))
repeated = pytest.mark.parametrize("round_", range(ROUNDS), ids=lambda n: f"round{n}")
EXAMPLE = REPO / "examples" / "ticketing"

# A replica: imports everything first, waits for the gate, then runs the command line (or a script).
_REPLICA = r"""
import os, runpy, sys, time
gate, target, args = sys.argv[1], sys.argv[2], sys.argv[3:]
import sqlalchemy, schemaguard.cli.app, schemaguard.apply.sync  # noqa: F401 - warm before the gate
open(gate + ".ready-" + str(os.getpid()), "w").close()
while not os.path.exists(gate):
    time.sleep(0.0005)
if target == "schemaguard":
    sys.argv = ["schemaguard", *args]
    from schemaguard.cli import main
    main()
else:
    sys.path.insert(0, os.path.dirname(target))
    sys.argv = [target, *args]
    runpy.run_path(target, run_name="__main__")
"""


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("SCHEMAGUARD_ENV", "APP_ENV", "ENVIRONMENT", "NODE_ENV", "FORCE_SYNC", "DATABASE_URL")}
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(extra)
    return env


def _at_once(tmp_path: Path, commands: list[list[str]], env: dict[str, str], timeout: float = 120,
             before_gate: Any = None, after_gate: Any = None) -> list[subprocess.CompletedProcess[str]]:
    """Start every command as its own process, open the gate once all are waiting at it, collect them."""
    gate = tmp_path / f"gate-{time.monotonic_ns()}"
    procs = [
        subprocess.Popen([sys.executable, "-c", _REPLICA, str(gate), *cmd], env=env, cwd=tmp_path,
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for cmd in commands
    ]
    deadline = time.monotonic() + 120
    while len(list(tmp_path.glob(gate.name + ".ready-*"))) < len(procs) and time.monotonic() < deadline:
        time.sleep(0.02)  # every replica imported and polling the gate
    if before_gate is not None:
        before_gate()
    gate.write_text("go")
    if after_gate is not None:
        after_gate()
    out = []
    for p in procs:
        stdout, stderr = p.communicate(timeout=timeout)
        out.append(subprocess.CompletedProcess(p.args, p.returncode, stdout, stderr))
    return out


def _models(tmp_path: Path, tables: int = 30, extra_column: bool = False) -> str:
    """A models file of `tables` tables, each with a key to the one before and an index."""
    lines = ["import sqlalchemy as sa", "metadata = sa.MetaData()"]
    for i in range(tables):
        ref = f", sa.Column('parent_id', sa.Integer, sa.ForeignKey('t_{i - 1:03d}.id'))" if i else ""
        extra = ", sa.Column('note', sa.String(40))" if extra_column else ""
        lines.append(
            f"sa.Table('t_{i:03d}', metadata, sa.Column('id', sa.Integer, primary_key=True), "
            f"sa.Column('name', sa.String(50), index=True){ref}{extra})"
        )
    path = tmp_path / f"models_{tables}_{int(extra_column)}.py"
    path.write_text("\n".join(lines) + "\n")
    return f"{path}:metadata"


def _sync(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "schemaguard", "sync", *args], env=env or _env(),
                          capture_output=True, text=True, timeout=timeout)


def _check(url: str, target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "schemaguard", "check", "--models", target, "--db", url,
                           "--format", "json"], env=_env(), capture_output=True, text=True, timeout=120)


def _sqlite_file(tmp_path: Path) -> str:
    path = tmp_path / "app.db"
    sa.create_engine(f"sqlite:///{path}").connect().close()  # an empty database file
    return f"sqlite:///{path}"


@pytest.fixture(params=["sqlite", "postgresql", pytest.param("mysql", marks=pytest.mark.mysql)])
def fresh_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return _sqlite_file(tmp_path)
    if request.param == "mysql":
        return str(request.getfixturevalue("mysql_url"))
    return str(request.getfixturevalue("pg_url"))


def _engine(url: str, **kw: Any) -> Any:
    return sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1)
                            .replace("mysql://", "mysql+pymysql://", 1), **kw)


# --- replicas racing ------------------------------------------------------------------------------


@repeated
def test_replicas_started_at_once_apply_exactly_once(round_: int, fresh_url: str, tmp_path: Path) -> None:
    replicas = 6
    target = _models(tmp_path)
    results = _at_once(tmp_path, [["schemaguard", "sync", "--mode", "safe", "--yes", "--models", target,
                                   "--db", fresh_url] for _ in range(replicas)], _env())
    assert [r.returncode for r in results] == [0] * replicas, [r.stderr for r in results]
    applied = [r for r in results if "applied 60 step(s)" in r.stderr]
    idle = [r for r in results if "nothing to do" in r.stderr]
    assert len(applied) == 1 and len(idle) == replicas - 1, [r.stderr for r in results]
    # The schema is one sync's result: the models and the database agree.
    after = _check(fresh_url, target)
    assert after.returncode == 0 and json.loads(after.stdout)["findings"] == [], after.stdout


@repeated
def test_replicas_that_waited_for_the_lock_find_that_another_sync_applied_it(round_: int, fresh_url: str,
                                                                               tmp_path: Path) -> None:
    """The lock contended for certain: another sync holds it while four replicas start; once it is
    released, one applies and the three others, which waited, say that another sync applied it."""
    replicas = 4
    target = _models(tmp_path, tables=5)
    engine, holder = _hold_sync_lock(fresh_url)
    pg = fresh_url.startswith("postgresql")

    def all_waiting() -> None:
        if pg:  # every replica's lock request queued behind the holder's
            with engine.connect() as watch:
                _wait_for(lambda: watch.exec_driver_sql(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted").scalar() == replicas,
                    what="every replica to wait for the sync lock")
        elif fresh_url.startswith("mysql"):  # every replica in GET_LOCK ("User lock" in the process list)
            with engine.connect() as watch:
                _wait_for(lambda: watch.exec_driver_sql(
                    "SELECT count(*) FROM information_schema.PROCESSLIST WHERE STATE = 'User lock'").scalar()
                    == replicas, what="every replica to wait for the sync lock")
        else:  # SQLite shows no queue: give the replicas time to reach BEGIN IMMEDIATE
            time.sleep(3)
        holder.close()
        engine.dispose()

    results = _at_once(tmp_path, [["schemaguard", "sync", "--yes", "--models", target, "--db", fresh_url]
                                  for _ in range(replicas)], _env(), after_gate=all_waiting)
    assert [r.returncode for r in results] == [0] * replicas, [r.stderr for r in results]
    applied = [r for r in results if "applied 10 step(s)" in r.stderr]
    idle = [r for r in results if "nothing to do: another sync applied it" in r.stderr]
    assert (len(applied), len(idle)) == (1, replicas - 1), [r.stderr for r in results]


@pytest.mark.parametrize("backend", ["sqlite", "postgresql", pytest.param("mysql", marks=pytest.mark.mysql)])
def test_ticketing_app_started_by_several_processes_at_once(backend: str, tmp_path: Path,
                                                           request: pytest.FixtureRequest) -> None:
    """The example's start-up (check, then safe_sync) from four replicas of the app at once, on the
    legacy database where two of the models' indexes are missing (warnings: the app starts and its
    sync creates them). Each replica starts; the indexes are created once."""
    import shutil

    if backend == "sqlite":
        shutil.copyfile(EXAMPLE / "legacy.db", tmp_path / "shop.db")
        url = f"sqlite:///{tmp_path / 'shop.db'}"
    else:
        from test_example_ticketing import _legacy_pg

        url = str(request.getfixturevalue("pg_url" if backend == "postgresql" else "mysql_url"))
        _legacy_pg(url)
    engine = _engine(url)
    # MySQL keeps the index a foreign key uses (tickets.owner_id's): another one goes there.
    dropped = {"ix_events_starts_at": "events",
               **({"ix_users_wallet_address": "users"} if backend == "mysql" else {"ix_tickets_owner_id": "tickets"})}
    with engine.begin() as conn:
        for index, table in dropped.items():
            conn.exec_driver_sql(f"DROP INDEX {index}" + (f" ON {table}" if backend == "mysql" else ""))
    engine.dispose()
    app = str(EXAMPLE / "app.py")
    results = _at_once(tmp_path, [[app] for _ in range(4)], _env(DATABASE_URL=url))
    assert [r.returncode for r in results] == [0] * 4, [r.stderr for r in results]
    assert all("ticketing: schema OK" in r.stdout for r in results)
    after = _check(url, f"{EXAMPLE / 'models.py'}:Base")
    assert after.returncode == 0 and json.loads(after.stdout)["findings"] == [], after.stdout


# --- the sync lock is bounded; plan and check never wait on it -----------------------------------


def _hold_sync_lock(url: str) -> tuple[Any, Any]:
    """Hold the database's sync lock the way another sync would: returns (engine, connection)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url, isolation_level="AUTOCOMMIT")
        conn = engine.connect()
        conn.exec_driver_sql("BEGIN IMMEDIATE")
        return engine, conn
    engine = _engine(url, isolation_level="AUTOCOMMIT")
    conn = engine.connect()
    if url.startswith("mysql"):
        conn.exec_driver_sql("SELECT GET_LOCK(CONCAT('schemaguard_sync:', DATABASE()), 0)")
    else:
        conn.exec_driver_sql("SELECT pg_advisory_lock(%s)", (SYNC_LOCK_KEY,))
    return engine, conn


@repeated
def test_sync_lock_held_elsewhere_exits_5_within_lock_wait_and_changes_nothing(round_: int, fresh_url: str, tmp_path: Path) -> None:
    target = _models(tmp_path, tables=3)
    engine, holder = _hold_sync_lock(fresh_url)
    try:
        started = time.monotonic()
        r = _sync("--models", target, "--db", fresh_url, "--yes", "--lock-wait", "1s", "--format", "json")
        elapsed = time.monotonic() - started
        assert r.returncode == 5, r.stderr
        assert elapsed < 15, elapsed  # 1 s of waiting plus the process's start
        doc = json.loads(r.stdout)
        assert doc["failed"]["cause"] == "sync_lock" and doc["applied"] is False
        assert "for longer than --lock-wait 1s" in r.stderr and "nothing was changed" in r.stderr
        if fresh_url.startswith("postgresql"):
            pid = holder.exec_driver_sql("SELECT pg_backend_pid()").scalar()
            assert f"pid {pid}" in r.stderr  # the session that holds it, from pg_locks/pg_stat_activity
        if fresh_url.startswith("mysql"):
            pid = holder.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
            assert f"connection {pid}" in r.stderr  # the session that holds it, from the process list
        # plan and check take no lock and never wait on one.
        for command in ("plan", "check"):
            started = time.monotonic()
            other = subprocess.run([sys.executable, "-m", "schemaguard", command, "--models", target, "--db",
                                    fresh_url], env=_env(), capture_output=True, text=True, timeout=60)
            assert other.returncode in (0, 1), other.stderr
            assert time.monotonic() - started < 15
    finally:
        holder.close()
        engine.dispose()
    # Nothing was created while it waited, and once the lock is free the same sync applies.
    assert sa.inspect(_engine(fresh_url)).get_table_names() == []
    r = _sync("--models", target, "--db", fresh_url, "--yes")
    assert r.returncode == 0 and "applied" in r.stderr, r.stderr


def test_lock_wait_config_key_and_bad_values(tmp_path: Path) -> None:
    url = _sqlite_file(tmp_path)
    target = _models(tmp_path, tables=2)
    (tmp_path / "schemaguard.toml").write_text('lock_wait = "300ms"\n')
    engine, holder = _hold_sync_lock(url)
    try:
        r = subprocess.run([sys.executable, "-m", "schemaguard", "sync", "--models", target, "--db", url, "--yes"],
                           env=_env(), capture_output=True, text=True, timeout=60, cwd=tmp_path)
        assert r.returncode == 5 and "--lock-wait 300ms" in r.stderr, r.stderr
    finally:
        holder.close()
        engine.dispose()
    r = _sync("--models", target, "--db", url, "--yes", "--lock-wait", "soon")
    assert r.returncode == 2 and "invalid --lock-wait 'soon'" in r.stderr
    (tmp_path / "schemaguard.toml").write_text('lock_wait = "forever"\n')
    r = subprocess.run([sys.executable, "-m", "schemaguard", "sync", "--models", target, "--db", url, "--yes"],
                       env=_env(), capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert r.returncode == 2 and "lock_wait" in r.stderr, r.stderr


# --- table locks: bounded, retried, and never blocking readers for longer -------------------------


def _users(url: str, rows: int = 3) -> Any:
    engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50))")
        for i in range(rows):
            conn.exec_driver_sql(f"INSERT INTO users VALUES ({i + 1}, 'u{i + 1}')")
    return engine


def _users_models(tmp_path: Path, *, audit: bool = False) -> str:
    path = tmp_path / "users_models.py"
    path.write_text(
        "import sqlalchemy as sa\nmetadata = sa.MetaData()\n"
        "sa.Table('users', metadata, sa.Column('id', sa.Integer, primary_key=True),"
        " sa.Column('name', sa.String(50)), sa.Column('email', sa.String(100)))\n"
        + ("sa.Table('audit', metadata, sa.Column('id', sa.Integer, primary_key=True))\n" if audit else "")
    )
    return f"{path}:metadata"


@repeated
def test_table_lock_held_by_another_session_exits_5_and_readers_wait_at_most_lock_timeout(round_: int,
    pg_url: str, tmp_path: Path
) -> None:
    engine = _users(pg_url)
    target = _users_models(tmp_path)
    holder = engine.connect()
    holder.exec_driver_sql("SELECT count(*) FROM users")  # an open transaction: ACCESS SHARE on users
    holder_pid = holder.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    waits: list[float] = []
    stop = threading.Event()

    def reader() -> None:
        # The application's queries: behind the ALTER's lock request they queue, never longer
        # than --lock-timeout, because the sync gives up and lets them through.
        with engine.connect() as conn:
            while not stop.is_set():
                t = time.monotonic()
                conn.exec_driver_sql("SELECT count(*) FROM users").scalar()
                conn.rollback()
                waits.append(time.monotonic() - t)
                time.sleep(0.02)

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        started = time.monotonic()
        r = _sync("--models", target, "--db", pg_url, "--yes", "--lock-timeout", "300ms", "--lock-retries", "2",
                  "--format", "json")
        elapsed = time.monotonic() - started
    finally:
        stop.set()
        thread.join()
        holder.rollback()
        holder.close()
    assert r.returncode == 5, r.stderr
    doc = json.loads(r.stdout)
    assert doc["failed"]["cause"] == "lock_timeout" and doc["failed"]["table"] == "users"
    assert "could not lock users within --lock-timeout 300ms in 3 tries" in r.stderr
    assert f"held by pid {holder_pid}" in r.stderr
    assert "every step was rolled back" in r.stderr
    assert elapsed < 20, elapsed
    assert max(waits) < 0.3 + 0.7, max(waits)  # the lock timeout, and scheduling slack
    with engine.connect() as conn:
        assert [c["name"] for c in sa.inspect(conn).get_columns("users")] == ["id", "name"]
        assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 3
    engine.dispose()


# --- faults while syncing: killed, disconnected, server restarted ---------------------------------


def _wait_for(predicate: Any, timeout: float = 30, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def _pg_waiting_sync(conn: Any) -> int | None:
    """The backend of a sync that waits for a table lock in its transaction."""
    return conn.exec_driver_sql(  # type: ignore[no-any-return]
        "SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query ILIKE 'ALTER TABLE%%users%%'"
    ).scalar()


def _sync_lock_holders(conn: Any) -> int:
    return conn.exec_driver_sql(  # type: ignore[no-any-return]
        "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s AND objid = %s",
        (SYNC_LOCK_KEY >> 32, SYNC_LOCK_KEY & 0xFFFFFFFF),
    ).scalar()


def _pg_blocked_sync(pg_url: str, tmp_path: Path) -> tuple[Any, Any, subprocess.Popen[str], str]:
    """A sync that has applied its first step (CREATE TABLE audit) and waits, mid-transaction, for
    the lock on users that another session holds."""
    engine = _users(pg_url)
    target = _users_models(tmp_path, audit=True)
    holder = engine.connect()
    holder.exec_driver_sql("SELECT count(*) FROM users")
    proc = subprocess.Popen([sys.executable, "-m", "schemaguard", "sync", "--models", target, "--db", pg_url,
                             "--yes", "--lock-timeout", "60s"], env=_env(), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    watch = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    _wait_for(lambda: _pg_waiting_sync(watch) is not None, what="the sync to wait for the lock on users")
    return engine, holder, proc, target


def _pg_nothing_changed(engine: Any) -> None:
    with engine.connect() as conn:
        insp = sa.inspect(conn)
        assert sorted(insp.get_table_names()) == ["users"]  # no audit, no schemaguard_environment
        assert [c["name"] for c in insp.get_columns("users")] == ["id", "name"]
        assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 3


@repeated
def test_sync_killed_mid_transaction_on_postgresql_leaves_everything_and_no_lock(round_: int, pg_url: str, tmp_path: Path) -> None:
    engine, holder, proc, target = _pg_blocked_sync(pg_url, tmp_path)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    # The killed client's sessions end: its transaction is rolled back, its advisory lock released
    # (the one waiting for the lock ends once the lock is granted and it finds the client gone).
    holder.rollback()
    holder.close()
    watch = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
    _wait_for(lambda: _sync_lock_holders(watch) == 0 and _pg_waiting_sync(watch) is None,
              what="the killed sync's sessions to end")
    watch.close()
    _pg_nothing_changed(engine)
    r = _sync("--models", target, "--db", pg_url, "--yes", "--lock-wait", "5s", "--fail-on", "never")
    assert r.returncode == 0 and "applied 2 step(s)" in r.stderr, r.stderr
    engine.dispose()


@repeated
def test_sync_whose_connection_is_dropped_exits_5_and_the_next_one_succeeds(round_: int, pg_url: str, tmp_path: Path) -> None:
    engine, holder, proc, target = _pg_blocked_sync(pg_url, tmp_path)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as admin:
        pid = _pg_waiting_sync(admin)
        admin.exec_driver_sql("SELECT pg_terminate_backend(%s)", (pid,))
    _, stderr = proc.communicate(timeout=60)
    holder.rollback()
    holder.close()
    assert proc.returncode == 5, stderr
    assert "every step was rolled back" in stderr and "check that the server is up" in stderr
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as watch:
        _wait_for(lambda: _sync_lock_holders(watch) == 0, what="the sync lock to be released")
    _pg_nothing_changed(engine)
    r = _sync("--models", target, "--db", pg_url, "--yes", "--lock-wait", "5s", "--fail-on", "never")
    assert r.returncode == 0 and "applied 2 step(s)" in r.stderr, r.stderr
    engine.dispose()


def test_server_restarted_while_syncing_loses_nothing(tmp_path: Path) -> None:
    from pgserver import start_server

    server = start_server()
    try:
        url = server.url()
        engine, holder, proc, target = _pg_blocked_sync(url, tmp_path)
        restart = server._cmd([str(server.bindir / "pg_ctl"), "-D", str(server.datadir), "-m", "fast", "-w",
                               "-t", "60", "restart"])
        subprocess.run(restart, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, stderr = proc.communicate(timeout=60)
        assert proc.returncode == 5, stderr
        assert "every step was rolled back" in stderr
        holder.invalidate()
        engine.dispose()
        _pg_nothing_changed(engine)
        r = _sync("--models", target, "--db", url, "--yes", "--lock-wait", "5s", "--fail-on", "never")
        assert r.returncode == 0 and "applied 2 step(s)" in r.stderr, r.stderr
        engine.dispose()
    finally:
        server.stop()


@repeated
def test_sync_killed_mid_transaction_on_sqlite_leaves_everything(round_: int, tmp_path: Path) -> None:
    url = _sqlite_file(tmp_path)
    path = Path(url[len("sqlite:///"):])
    engine = _users(url)
    target = _users_models(tmp_path, audit=True)
    # A reader's open transaction: the sync's commit has to wait for it (busy timeout).
    reader = engine.connect()
    reader.exec_driver_sql("BEGIN")
    reader.exec_driver_sql("SELECT count(*) FROM users").scalar()
    proc = subprocess.Popen([sys.executable, "-m", "schemaguard", "sync", "--models", target, "--db", url, "--yes",
                             "--lock-timeout", "60s"], env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    journal = path.with_name(path.name + "-journal")
    _wait_for(journal.exists, what="the sync's write transaction")
    time.sleep(1.0)  # its steps run; it is waiting to commit
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    reader.rollback()
    reader.close()
    # The operating system released the dead process's lock; the next connection rolls the
    # journal back.
    with engine.connect() as conn:
        insp = sa.inspect(conn)
        assert sorted(insp.get_table_names()) == ["users"]
        assert [c["name"] for c in insp.get_columns("users")] == ["id", "name"]
        assert conn.exec_driver_sql("SELECT count(*) FROM users").scalar() == 3
    engine.dispose()
    r = _sync("--models", target, "--db", url, "--yes", "--lock-wait", "5s", "--fail-on", "never")
    assert r.returncode == 0 and "applied 2 step(s)" in r.stderr, r.stderr


def test_safe_sync_raises_sync_failed_with_the_cause(tmp_path: Path) -> None:
    """The library says what the command line says: SyncLockTimeout (a SyncFailed) with cause
    sync_lock, exit code 5."""
    from schemaguard import SyncFailed, safe_sync

    url = _sqlite_file(tmp_path)
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))
    engine, holder = _hold_sync_lock(url)
    try:
        with pytest.raises(SyncFailed) as info:
            safe_sync(url, md, mode="safe", lock_wait="200ms", environ={})
    finally:
        holder.close()
        engine.dispose()
    assert info.value.cause == "sync_lock" and info.value.exit_code == 5 and info.value.step is None
    result = safe_sync(url, md, mode="safe", environ={})
    assert result.applied and not result.waited_for_lock


# --- MySQL/MariaDB: the named lock (the races above run there too) ---------------------------------


@pytest.mark.mysql
def test_mariadb_sync_lock_is_a_named_lock_per_database_released_with_its_connection(mysql_url: str) -> None:
    from schemaguard.apply.failures import SyncLockTimeout
    from schemaguard.apply.lock import sync_lock
    from schemaguard.live.database import Database

    with Database.open(mysql_url) as first, Database.open(mysql_url) as second:
        with sync_lock(first, "1s") as held:
            assert held.waited is False and held.in_transaction is False
            pid = held.connection.exec_driver_sql("SELECT CONNECTION_ID()").scalar()
            started = time.monotonic()
            with pytest.raises(SyncLockTimeout) as info, sync_lock(second, "500ms"):
                pass
            assert time.monotonic() - started < 5
            assert info.value.cause == "sync_lock" and info.value.exit_code == 5
            assert "GET_LOCK('schemaguard_sync:" in str(info.value)
            assert f"connection {pid}" in str(info.value)  # the holder, from the process list
        # Released at the end of the block: the next sync takes it at once.
        with sync_lock(second, "1s") as again:
            assert again.waited is False
    # The lock's connection ending releases it too (a killed process): hold it on a connection
    # that is then closed without RELEASE_LOCK.
    engine = sa.create_engine(mysql_url.replace("mysql://", "mysql+pymysql://", 1))
    conn = engine.connect()
    name = conn.exec_driver_sql("SELECT CONCAT('schemaguard_sync:', DATABASE())").scalar()
    assert conn.exec_driver_sql("SELECT GET_LOCK(%s, 0)", (name,)).scalar() == 1
    conn.invalidate()  # the connection is closed, as by a dead client
    engine.dispose()
    with Database.open(mysql_url) as third, sync_lock(third, "5s") as held:
        assert held.connection is not None

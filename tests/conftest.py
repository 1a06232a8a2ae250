"""Shared fixtures: throwaway PostgreSQL and MariaDB servers for the session, fresh databases per test.

Every database a test uses is created here and dropped afterwards; the server is stopped at the end
of the session. Nothing outside what the suite created is touched.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from mysqlserver import MariaDBServer, find_server
from mysqlserver import start_server as start_mariadb
from pgserver import PgServer, find_bindir, start_server

ROOT = Path(__file__).resolve().parent.parent


def bench_check() -> Any:
    """benchmarks/bench_check.py as a module: its model generator and drift plan are fixtures of
    the scale, source-scan and catalog tests too."""
    import sys

    if str(ROOT / "benchmarks") not in sys.path:
        sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_check as module

    return module
_counter = itertools.count()


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("HYPOTHESIS_PROFILE", "ci")
    # The suite must not pick up a developer's configuration or database.
    for var in ("DATABASE_URL", "SCHEMAGUARD_ENV", "APP_ENV", "ENVIRONMENT", "NODE_ENV", "FORCE_SYNC"):
        os.environ.pop(var, None)
    # check's models cache: one folder for the session, outside the checkout (the cache tests set
    # their own, or none, to test where it goes).
    import atexit
    import shutil
    import tempfile

    cache_dir = tempfile.mkdtemp(prefix="sg-test-cache-")
    atexit.register(shutil.rmtree, cache_dir, True)
    os.environ["SCHEMAGUARD_CACHE_DIR"] = cache_dir


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    if find_bindir() is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is not installed; .ci/run installs it with apt-get install -y postgresql")
        pytest.skip("PostgreSQL is not installed (apt-get install -y postgresql); bash .ci/run installs it")
    server = start_server()
    try:
        yield server
    finally:
        server.stop()


def _drop_database(server: PgServer, name: str) -> None:
    import sqlalchemy as sa

    engine = sa.create_engine(server.url("postgres").replace("postgresql://", "postgresql+psycopg://"),
                              isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


@pytest.fixture
def pg_database(pg_server: PgServer) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty PostgreSQL databases (URLs without a driver suffix)."""
    import sqlalchemy as sa

    made: list[str] = []
    admin = sa.create_engine(
        pg_server.url("postgres").replace("postgresql://", "postgresql+psycopg://"),
        isolation_level="AUTOCOMMIT",
        poolclass=sa.pool.NullPool,
    )

    def make() -> str:
        name = f"sg_test_{os.getpid()}_{next(_counter)}"
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        made.append(name)
        return pg_server.url(name)

    try:
        yield make
    finally:
        for name in made:
            _drop_database(pg_server, name)
        admin.dispose()


@pytest.fixture
def pg_url(pg_database: Callable[[], str]) -> str:
    """One fresh PostgreSQL database."""
    return pg_database()


def _mariadb_server(lower_case_table_names: int) -> Iterator[MariaDBServer]:
    if find_server() is None:
        if os.environ.get("CI"):
            pytest.fail("MariaDB is not installed; .ci/run installs it with apt-get install -y mariadb-server")
        pytest.skip("MariaDB is not installed (apt-get install -y mariadb-server); bash .ci/run installs it")
    server = start_mariadb(lower_case_table_names)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def mysql_server() -> Iterator[MariaDBServer]:
    """A throwaway MariaDB server, lower_case_table_names=0 (as on Linux)."""
    yield from _mariadb_server(0)


@pytest.fixture(scope="session")
def mysql_server_lctn1() -> Iterator[MariaDBServer]:
    """A second throwaway MariaDB server that folds table names (lower_case_table_names=1, as on
    Windows): the setting is fixed when the data directory is made."""
    yield from _mariadb_server(1)


def _mysql_admin(server: MariaDBServer) -> Any:
    import pymysql

    return pymysql.connect(host="127.0.0.1", port=server.port, user=server.user,
                           password=server.password, autocommit=True)


def _mysql_factory(server: MariaDBServer) -> Iterator[Callable[[], str]]:
    made: list[str] = []

    def make() -> str:
        name = f"sg_test_{os.getpid()}_{next(_counter)}"
        conn = _mysql_admin(server)
        try:
            with conn.cursor() as cur:
                cur.execute(f"CREATE DATABASE `{name}` CHARACTER SET utf8mb4")
        finally:
            conn.close()
        made.append(name)
        return server.url(name)

    try:
        yield make
    finally:
        if made:
            conn = _mysql_admin(server)
            try:
                with conn.cursor() as cur:
                    for name in made:
                        cur.execute(f"DROP DATABASE IF EXISTS `{name}`")
            finally:
                conn.close()


@pytest.fixture
def mysql_database(mysql_server: MariaDBServer) -> Iterator[Callable[[], str]]:
    """A factory of fresh, empty MariaDB databases (mysql:// URLs without a driver suffix)."""
    yield from _mysql_factory(mysql_server)


@pytest.fixture
def mysql_url(mysql_database: Callable[[], str]) -> str:
    """One fresh MariaDB database."""
    return mysql_database()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """One fresh SQLite database file."""
    return f"sqlite:///{tmp_path / 'live.db'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, empty database on each backend in turn."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'live.db'}"
    return str(request.getfixturevalue("pg_url"))


def engine_for(url: str):  # type: ignore[no-untyped-def]
    """A read-write engine for test setup (the tool itself opens its own, read-only)."""
    import sqlalchemy as sa

    if url.startswith("postgresql://"):
        url = url.replace("postgresql://", "postgresql+psycopg://", 1)
    elif url.startswith("mysql://"):
        url = url.replace("mysql://", "mysql+pymysql://", 1)
    return sa.create_engine(url, poolclass=sa.pool.NullPool)


def run_sql(url: str, statements: list[str]) -> None:
    """Run test-setup statements on a test's database, in one transaction."""
    engine = engine_for(url)
    try:
        with engine.begin() as conn:
            for stmt in statements:
                conn.exec_driver_sql(stmt)
    finally:
        engine.dispose()


@pytest.fixture
def make_engine() -> Iterator[Callable[[str], object]]:
    engines = []

    def make(url: str):  # type: ignore[no-untyped-def]
        eng = engine_for(url)
        engines.append(eng)
        return eng

    yield make
    for eng in engines:
        eng.dispose()


try:  # pragma: no cover - profile registration only
    from hypothesis import HealthCheck, settings

    settings.register_profile(
        "ci",
        max_examples=25,
        deadline=None,
        # The same examples on every CI run (a random find goes to a hand run with the thorough
        # profile and becomes a test of its own); `thorough` stays random.
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    settings.register_profile("thorough", max_examples=200, deadline=None,
                              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))
except ImportError:  # pragma: no cover
    pass

"""The environment guard's full truth table, and how the environment and FORCE_SYNC are read."""

from __future__ import annotations

import itertools
import shutil
import sqlite3
from pathlib import Path

import pytest
import sqlalchemy as sa

from schemaguard.apply.guard import (
    ALTER_REFUSED,
    FORCE_SYNC_REFUSED,
    Environment,
    decide,
    environment,
    force_sync_enabled,
    resolve_mode,
)

# --- reading the environment ----------------------------------------------------------------------


def test_unset_environment_means_production() -> None:
    env = environment(None, {})
    assert env.name == "production"
    assert "none of SCHEMAGUARD_ENV, APP_ENV, ENVIRONMENT, NODE_ENV is set" in env.source


def test_environment_precedence() -> None:
    full = {"SCHEMAGUARD_ENV": "staging", "APP_ENV": "development", "ENVIRONMENT": "qa", "NODE_ENV": "test"}
    assert environment("Development", full) == Environment("development", "--env")
    assert environment(None, full) == Environment("staging", "SCHEMAGUARD_ENV")
    assert environment(None, {k: v for k, v in full.items() if k != "SCHEMAGUARD_ENV"}) == Environment(
        "development", "APP_ENV"
    )
    assert environment(None, {"ENVIRONMENT": "qa", "NODE_ENV": "test"}) == Environment("qa", "ENVIRONMENT")
    assert environment(None, {"NODE_ENV": "development"}) == Environment("development", "NODE_ENV")
    # Empty values do not count: they fall through, ultimately to production.
    assert environment(" ", {"SCHEMAGUARD_ENV": "", "NODE_ENV": ""}).name == "production"


@pytest.mark.parametrize("value", ["1", "true", "TRUE", "yes", "Yes", "on", " on "])
def test_force_sync_truthy(value: str) -> None:
    assert force_sync_enabled({"FORCE_SYNC": value}) is True


@pytest.mark.parametrize("value", ["", "0", "false", "no", "off", "y", "2", "enabled", "truthy"])
def test_force_sync_anything_else_is_false(value: str) -> None:
    assert force_sync_enabled({"FORCE_SYNC": value}) is False
    assert force_sync_enabled({}) is False


def test_unknown_mode_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown mode 'drop'"):
        resolve_mode("drop", Environment("development", "--env"), True)


# --- the truth table --------------------------------------------------------------------------------
# Written out from the contract, independently of the implementation:
#   safe  : always allowed.
#   alter : only in development, else alter_refused.
#   force : only in development AND FORCE_SYNC AND the database does not record another
#           environment, else force_sync_refused.
#   auto  : force if development and FORCE_SYNC, else alter if development, else safe.
#   Destructive plans (force): need --yes without a terminal (else refused), a confirmation with one.

MODES = ["safe", "alter", "force", "auto"]
ENVS = ["development", "production", "staging"]
FORCE = [False, True]
RECORDED = [None, "development", "production"]
TERMINAL = [(False, False), (False, True), (True, False)]  # (interactive, --yes)


def expected(mode: str, env: str, force: bool, recorded: str | None, interactive: bool, yes: bool):  # type: ignore[no-untyped-def]
    dev = env == "development"
    resolved = {"auto": "force" if dev and force else "alter" if dev else "safe"}.get(mode, mode)
    if resolved == "alter" and not dev:
        return resolved, False, ALTER_REFUSED, False
    if resolved == "force":
        if not dev or not force or recorded not in (None, "development"):
            return resolved, False, FORCE_SYNC_REFUSED, False
        if yes:
            return resolved, True, None, False
        if interactive:
            return resolved, True, None, True
        return resolved, False, FORCE_SYNC_REFUSED, False
    return resolved, True, None, False


CASES = list(itertools.product(MODES, ENVS, FORCE, RECORDED, TERMINAL))


@pytest.mark.parametrize(
    "mode, env, force, recorded, terminal",
    CASES,
    ids=[f"{m}-{e}-force={f}-recorded={r}-tty={t[0]}-yes={t[1]}" for m, e, f, r, t in CASES],
)
def test_truth_table(mode: str, env: str, force: bool, recorded: str | None, terminal: tuple[bool, bool]) -> None:
    interactive, yes = terminal
    want_mode, want_allowed, want_refusal, want_confirm = expected(mode, env, force, recorded, interactive, yes)
    resolved = resolve_mode(mode, Environment(env, "--env"), force)
    d = decide(
        mode,
        Environment(env, "--env"),
        force,
        recorded_environment=recorded,
        destructive=resolved == "force",
        interactive=interactive,
        yes=yes,
    )
    assert (d.mode, d.allowed, d.refusal, d.needs_confirmation) == (
        want_mode,
        want_allowed,
        want_refusal,
        want_confirm,
    ), d.reason
    assert d.reason, "every decision says why"


def test_truth_table_size() -> None:
    assert len(CASES) == 4 * 3 * 2 * 3 * 3 == 216


def test_refusals_name_exactly_what_is_missing() -> None:
    prod = environment(None, {})
    d = decide("force", prod, False)
    assert d.refusal == FORCE_SYNC_REFUSED
    assert "the environment is production (default: no --env" in d.reason
    assert "FORCE_SYNC is not set" in d.reason
    dev = Environment("development", "APP_ENV")
    d = decide("force", dev, True, recorded_environment="production", yes=True)
    assert not d.allowed
    assert "the database itself records environment production" in d.reason
    assert "FORCE_SYNC" not in d.reason.split("refused because", 1)[1]
    d = decide("alter", Environment("staging", "NODE_ENV"), True)
    assert d.refusal == ALTER_REFUSED
    assert "the environment is staging (NODE_ENV)" in d.reason


# --- the same truth table, end to end: safe_sync on a real SQLite database per case -----------------


@pytest.fixture(scope="module")
def template_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A database with rows; the models below add a column and widen nothing (every mode has work)."""
    path = tmp_path_factory.mktemp("guard") / "template.db"
    conn = sqlite3.connect(path)
    conn.executescript(
        "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(100));"
        "INSERT INTO users VALUES (1, 'ada@example.com'), (2, 'bob@example.com');"
    )
    conn.commit()
    conn.close()
    return path


def _models() -> sa.MetaData:
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
             sa.Column("email", sa.String(100)), sa.Column("nickname", sa.String(40)))
    return md


@pytest.mark.parametrize(
    "mode, env, force, recorded, terminal",
    CASES,
    ids=[f"{m}-{e}-force={f}-recorded={r}-tty={t[0]}-yes={t[1]}" for m, e, f, r, t in CASES],
)
def test_truth_table_end_to_end(template_db: Path, tmp_path: Path, mode: str, env: str, force: bool,
                                recorded: str | None, terminal: tuple[bool, bool]) -> None:
    from schemaguard.apply.stamp import write_stamp
    from schemaguard.apply.sync import SyncRefused, safe_sync

    interactive, yes = terminal
    want_mode, want_allowed, want_refusal, _confirm = expected(mode, env, force, recorded, interactive, yes)
    db = tmp_path / "app.db"
    shutil.copyfile(template_db, db)
    url = f"sqlite:///{db}"
    if recorded is not None:
        eng = sa.create_engine(url)
        with eng.begin() as conn:
            write_stamp(conn, recorded)
        eng.dispose()
    before = db.read_bytes()
    environ = {"APP_ENV": env, **({"FORCE_SYNC": "yes"} if force else {})}
    asked: list[int] = []

    def confirm(plan: object, rows: dict[str, int]) -> bool:
        asked.append(sum(rows.values()))
        return True  # the person at the terminal says yes

    if not want_allowed:
        with pytest.raises(SyncRefused) as refused:
            safe_sync(url, _models(), mode=mode, yes=yes, confirm=confirm if interactive else None, environ=environ)
        assert refused.value.refusal == want_refusal
        assert db.read_bytes() == before, "a refused sync touched the database"
        assert asked == []
        return
    result = safe_sync(url, _models(), mode=mode, yes=yes, confirm=confirm if interactive else None, environ=environ)
    assert (result.mode, result.applied, result.remaining) == (want_mode, True, [])
    # Only a force reset drops anything; at a terminal without --yes the person was asked, with
    # the rows it loses.
    assert asked == ([2] if want_mode == "force" and interactive and not yes else [])
    conn = sqlite3.connect(db)
    rows = conn.execute("SELECT count(*) FROM users").fetchone()[0]
    stamp = conn.execute("SELECT environment FROM schemaguard_environment").fetchone()[0]
    conn.close()
    assert rows == (0 if want_mode == "force" else 2)
    assert stamp == (recorded or env)  # the first sync records its environment; a later one keeps it

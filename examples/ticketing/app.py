"""The ticketing app's start-up, done safely: check the schema first, never wipe it.

    python examples/ticketing/app.py            # starts: the models match legacy.db
    python examples/ticketing/app.py --buggy    # refuses: the models as first shipped do not

The app used to force-sync its models on every restart (drop every table, create it again), and
with the Payment model's naming bugs that would have thrown away payments' user_id, event_id and
purchase_id. Now start-up only reads: schemaguard compares the models with the live database and
the app refuses to start while any error-level finding stands. Fixing the schema is a reviewed
migration's job, never the start-up's.

The database is $DATABASE_URL, else the bundled legacy.db.
"""

from __future__ import annotations

import importlib
import os
import sys
from pathlib import Path

from sqlalchemy import Engine, create_engine, func, select
from sqlalchemy.orm import DeclarativeBase, Session

import schemaguard

HERE = Path(__file__).resolve().parent
DEFAULT_DATABASE_URL = f"sqlite:///{HERE / 'legacy.db'}"


class StartupRefused(Exception):
    """The live schema does not match the models; starting would break requests or lose data."""

    def __init__(self, findings: list[schemaguard.Finding]) -> None:
        super().__init__(f"{len(findings)} error-level schema finding(s)")
        self.findings = findings


def _driver_url(url: str) -> str:
    # schemaguard accepts postgresql:// and mysql:// as they are; SQLAlchemy itself wants the
    # driver named (psycopg 3 and PyMySQL come with schemaguard).
    for prefix, driver in (("postgresql://", "postgresql+psycopg://"), ("postgres://", "postgresql+psycopg://"),
                           ("mysql://", "mysql+pymysql://"), ("mariadb://", "mariadb+pymysql://")):
        if url.startswith(prefix):
            return driver + url[len(prefix) :]
    return url


def start(database_url: str, base: type[DeclarativeBase]) -> Engine:
    """Check the live schema against the models, then hand back the app's engine.

    Raises StartupRefused on error-level findings; warnings are printed and the app starts.
    """
    result = schemaguard.check(database_url, base)
    errors = [f for f in result.findings if f.severity == "error"]
    for finding in result.findings:
        if finding.severity != "error":
            print(f"schema {finding.severity}: [{finding.kind}] {finding.message}", file=sys.stderr)
    if errors:
        raise StartupRefused(errors)
    # Instead of sync({ force: true }) / drop_all() + create_all(): mode "auto" is safe (create what
    # is missing, never drop or alter) unless the environment is development, where it alters, and
    # it resets only in development with FORCE_SYNC=1 on a database stamped as development.
    # With nothing to do it writes nothing.
    try:
        schemaguard.safe_sync(database_url, base, mode="auto")
    except schemaguard.SyncRefused as refused:
        print(f"ticketing: schema sync refused: {refused}", file=sys.stderr)
        raise SystemExit(4) from None
    return create_engine(_driver_url(database_url))


def main(argv: list[str]) -> int:
    # --buggy: the models as the app first shipped them, to see the start-up refuse.
    models = importlib.import_module("models_buggy" if "--buggy" in argv else "models")
    database_url = os.environ.get("DATABASE_URL", DEFAULT_DATABASE_URL)
    try:
        engine = start(database_url, models.Base)
    except StartupRefused as refused:
        print(
            "ticketing: refusing to start, the database schema does not match the models:",
            file=sys.stderr,
        )
        for f in refused.findings:
            where = f"{f.table}.{f.column}" if f.column else f"{f.table}"
            print(f"  {f.severity} {f.code} {f.kind} {where}: {f.message}", file=sys.stderr)
            print(f"    hint: {f.hint}", file=sys.stderr)
        print("Fix the models (or migrate the database) and start again.", file=sys.stderr)
        return 1
    with Session(engine) as session:
        Event, User = models.Event, models.User
        users = session.scalar(select(func.count()).select_from(User))
        events = session.scalar(select(func.count()).select_from(Event).where(Event.is_published))
    engine.dispose()
    print(f"ticketing: schema OK; serving {events} published events to {users} users")
    return 0


if __name__ == "__main__":
    # Run as a script, this folder is on sys.path and `import models` finds models.py beside it.
    sys.exit(main(sys.argv[1:]))

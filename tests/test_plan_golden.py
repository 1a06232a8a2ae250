"""Golden plans: the SQL script (`plan --format sql`) for each mode and dialect, and the Alembic
revision for alter, planned from one drifted real database (tests/plan_scenario.py) that needs
every step kind. Any change to the SQL a sync runs shows up here as a diff to review.

Regenerate after a deliberate change with SCHEMAGUARD_UPDATE_GOLDEN=1, then read the diff.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from cli_helpers import write_models
from conftest import engine_for
from plan_scenario import ENUM_MODELS, ENUM_PG_LIVE, MODELS, PG_LIVE, SQLITE_LIVE

from schemaguard.plan import Plan, make_plan
from schemaguard.report.alembic import plan_alembic
from schemaguard.report.plan import plan_sql

GOLDEN = Path(__file__).parent / "plan_golden"
UPDATE = os.environ.get("SCHEMAGUARD_UPDATE_GOLDEN") == "1"
# The contract's step kinds. drop_column is never a step (alter lists it as skipped, force drops
# whole tables); SQLite drops constraints only inside a table rebuild.
STEP_KINDS = {
    "create_table", "add_column", "alter_column", "create_index", "drop_index", "add_unique",
    "add_foreign_key", "drop_constraint", "drop_column", "drop_table", "rename_column", "rename_table",
    "add_check", "drop_check", "add_enum_label",
}
# add_enum_label: its own scenario (ENUM_MODELS, PostgreSQL only: SQLite has no enum type).
# SQLite drops constraints and CHECKs only inside a table rebuild, named after what it adds.
NEVER_A_STEP = {"postgresql": {"drop_column", "add_enum_label"},
                "sqlite": {"drop_column", "drop_constraint", "drop_check", "add_enum_label"}}


def planned(url: str, dialect: str, mode: str, tmp_path: Path, models: str = MODELS,
            live: list[str] | None = None) -> Plan:
    eng = engine_for(url)
    with eng.begin() as conn:
        for stmt in live if live is not None else PG_LIVE if dialect == "postgresql" else SQLITE_LIVE:
            conn.exec_driver_sql(stmt)
    eng.dispose()
    plan = make_plan(url, f"{write_models(tmp_path, models)}:Base", mode=mode)
    plan.database = ""  # the throwaway database's URL differs per run
    return plan


def compare(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote the new golden file {path.name}: review it, then run again")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs: rerun with SCHEMAGUARD_UPDATE_GOLDEN=1 and review"


@pytest.mark.parametrize("mode", ["safe", "alter", "force"])
def test_golden_plan(db_url: str, tmp_path: Path, mode: str) -> None:
    dialect = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    plan = planned(db_url, dialect, mode, tmp_path)
    compare(f"{dialect}-{mode}.sql", plan_sql(plan))
    if mode == "alter":
        revision = plan_alembic(plan, revision="0001", down_revision=None, message="schemaguard golden plan",
                                created=datetime(2026, 11, 24, 12, 0, 0))
        compare(f"{dialect}-alter.alembic.py", revision)


def test_golden_plans_cover_every_step_kind(db_url: str, tmp_path: Path) -> None:
    dialect = "postgresql" if db_url.startswith("postgresql") else "sqlite"
    seen: set[str] = set()
    for n, mode in enumerate(("safe", "alter", "force")):
        text = (GOLDEN / f"{dialect}-{mode}.sql").read_text(encoding="utf-8")
        seen |= {line.split()[3] for line in text.splitlines() if line.startswith("-- step ")}
        del n
    assert seen == STEP_KINDS - NEVER_A_STEP[dialect]
    if dialect == "sqlite":
        assert "PRAGMA legacy_alter_table = ON" in (GOLDEN / "sqlite-alter.sql").read_text(encoding="utf-8")


def test_golden_enum_label_plan(pg_url: str, tmp_path: Path) -> None:
    """ALTER TYPE ... ADD VALUE in the model's order, first in the plan, in safe mode; the default
    and the CHECK that use the new label left for the next sync; the label only the database has
    skipped with the recipe."""
    plan = planned(pg_url, "postgresql", "safe", tmp_path, ENUM_MODELS, ENUM_PG_LIVE)
    compare("postgresql-enum-labels.sql", plan_sql(plan))
    assert [s.kind for s in plan.steps] == ["add_enum_label", "add_enum_label"]
    assert {s.kind for s in plan.skipped} >= {"add_check", "alter_column"}

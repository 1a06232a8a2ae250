"""--write-baseline / --baseline and per-environment config through the CLI, for check and lint."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import sg
from conftest import ROOT

BUGGY = "examples/ticketing/models_buggy.py:Base"
LEGACY = "sqlite:///examples/ticketing/legacy.db"


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    for name in ("SCHEMAGUARD_ENV", "APP_ENV", "ENVIRONMENT", "NODE_ENV"):
        monkeypatch.delenv(name, raising=False)


def test_check_baseline_round_trip(in_root: None, tmp_path: Path) -> None:
    base = tmp_path / "schemaguard-baseline.json"
    res = sg("check", "-m", BUGGY, "--db", LEGACY, "--write-baseline", str(base), "--format", "json")
    assert res.exit_code == 0, res.stderr  # recording today's findings is not a failure
    assert "recorded 7 finding(s)" in res.stderr
    assert len(json.loads(res.stdout)["findings"]) == 7  # the report is still printed
    res = sg("check", "-m", BUGGY, "--db", LEGACY, "--baseline", str(base), "--format", "json")
    assert res.exit_code == 0, res.stderr
    assert json.loads(res.stdout)["findings"] == []
    assert "7 finding(s) are in the baseline" in res.stderr
    # Forget one recorded finding: exactly that one is new again, and fails the run.
    doc = json.loads(base.read_text())
    dropped = doc["findings"].pop(0)
    base.write_text(json.dumps(doc))
    res = sg("check", "-m", BUGGY, "--db", LEGACY, "--baseline", str(base), "--format", "json")
    assert res.exit_code == 1
    [new] = json.loads(res.stdout)["findings"]
    assert (new["code"], new["table"], new["column"]) == (dropped["code"], dropped["table"], dropped["column"])


def test_check_with_the_correct_models_says_the_baseline_shrinks(in_root: None, tmp_path: Path) -> None:
    base = tmp_path / "b.json"
    sg("check", "-m", BUGGY, "--db", LEGACY, "--write-baseline", str(base))
    res = sg("check", "-m", "examples/ticketing/models.py:Base", "--db", LEGACY, "--baseline", str(base))
    assert res.exit_code == 0
    assert "7 recorded finding(s) no longer occur: shrink it with --write-baseline" in res.stderr


def test_lint_baseline_survives_inserted_lines(tmp_path: Path) -> None:
    sql = tmp_path / "0001.sql"
    sql.write_text("ALTER TABLE users DROP COLUMN legacy;\nTRUNCATE sessions;\n")
    base = tmp_path / "lint-baseline.json"
    assert sg("lint", str(sql), "--write-baseline", str(base)).exit_code == 0
    sql.write_text("-- a comment\n\nALTER TABLE users DROP COLUMN legacy;\nTRUNCATE sessions;\nDROP TABLE audit;\n")
    res = sg("lint", str(sql), "--baseline", str(base), "--format", "json")
    assert res.exit_code == 1
    assert [(f["kind"], f["line"]) for f in json.loads(res.stdout)["findings"]] == [("drop_table", 5)]


def test_baseline_errors_are_usage_errors(in_root: None, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    res = sg("check", "-m", BUGGY, "--db", LEGACY, "--baseline", str(bad))
    assert res.exit_code == 2 and str(bad) in res.stderr and "Traceback" not in res.stderr
    res = sg("check", "-m", BUGGY, "--db", LEGACY, "--baseline", str(bad), "--write-baseline", str(bad))
    assert res.exit_code == 2 and "cannot be used together" in res.stderr
    lint_base = tmp_path / "lint.json"
    sql = tmp_path / "x.sql"
    sql.write_text("TRUNCATE t;\n")
    sg("lint", str(sql), "--write-baseline", str(lint_base))
    res = sg("check", "-m", BUGGY, "--db", LEGACY, "--baseline", str(lint_base))
    assert res.exit_code == 2 and "lint" in res.stderr


def test_environment_sections_apply_to_check(in_root: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = tmp_path / "schemaguard.toml"
    cfg.write_text(
        f'models = ["{ROOT / "examples/ticketing/models_buggy.py"}:Base"]\n'
        f'database_url = "sqlite:///{ROOT / "examples/ticketing/legacy.db"}"\n'
        'fail_on = "warning"\n'
        "[environments.ci]\n"
        'fail_on = "never"\n'
        "[[environments.ci.ignore]]\n"
        'kind = "mixed_naming_convention"\n'
    )
    res = sg("check", "--config", str(cfg), "--format", "json")
    assert res.exit_code == 1 and len(json.loads(res.stdout)["findings"]) == 7
    monkeypatch.setenv("SCHEMAGUARD_ENV", "ci")
    res = sg("check", "--config", str(cfg), "--format", "json")
    assert res.exit_code == 0, res.stderr  # fail_on = never in ci
    assert len(json.loads(res.stdout)["findings"]) == 6  # and its ignore entry is added

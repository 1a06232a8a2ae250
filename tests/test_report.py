"""Every reporter for check, plan and lint, against golden files from the bundled example and the
lint cases; SARIF validated against an independent model of SARIF 2.1.0 (sarif-pydantic, made
strict: an unknown or misspelled property fails), JUnit parsed back, GitHub annotations parsed, the
Markdown's Mermaid diagrams checked against Mermaid's erDiagram grammar.

Regenerate after a deliberate change with SCHEMAGUARD_UPDATE_GOLDEN=1, then review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest
from conftest import ROOT

import schemaguard
from schemaguard.apply.guard import Environment, decide
from schemaguard.lint import lint_paths
from schemaguard.plan import make_plan
from schemaguard.report import render_check
from schemaguard.report.lint import render_lint
from schemaguard.report.plan import plan_findings, render_plan
from schemaguard.rules.findings import Finding

GOLDEN = Path(__file__).parent / "report_golden"
UPDATE = os.environ.get("SCHEMAGUARD_UPDATE_GOLDEN") == "1"
FORMATS = ("json", "sarif", "junit", "github", "markdown")
EXT = {"json": "json", "sarif": "sarif", "junit": "xml", "github": "txt", "markdown": "md", "sql": "sql"}
LINT_FILES = ["tests/lint_cases/sql/drop_column.fail.sql", "tests/lint_cases/alembic/set_not_null_fail.py"]


def compare(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE or not path.exists():
        GOLDEN.mkdir(exist_ok=True)
        path.write_text(text, encoding="utf-8")
        if not UPDATE:
            pytest.fail(f"wrote the new golden file {path.name}: review it, then run again")
    assert text == path.read_text(encoding="utf-8"), f"{name} differs: rerun with SCHEMAGUARD_UPDATE_GOLDEN=1 and review"


@pytest.fixture
def in_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Paths in findings are as the user gave them: relative to the repository root here."""
    monkeypatch.chdir(ROOT)


def check_result() -> Any:
    return schemaguard.check("sqlite:///examples/ticketing/legacy.db", "examples/ticketing/models_buggy.py:Base")


def plan_result(tmp_path: Path) -> Any:
    shutil.copyfile(ROOT / "examples" / "ticketing" / "legacy.db", tmp_path / "shop.db")
    plan = make_plan(f"sqlite:///{tmp_path / 'shop.db'}", "examples/ticketing/models_v2.py:Base", mode="alter")
    plan.database = "sqlite:///shop.db"  # the temporary path differs per run
    return plan


def lint_result() -> Any:
    return lint_paths(LINT_FILES)


def rendered(what: str, fmt: str, tmp_path: Path) -> tuple[str, list[Finding]]:
    if what == "check":
        result = check_result()
        return render_check(result, fmt), result.findings
    if what == "plan":
        plan = plan_result(tmp_path)
        decision = decide("alter", Environment("development", "--env"), False, yes=True)
        return render_plan(plan, fmt, decision=decision), plan_findings(plan)
    result = lint_result()
    return render_lint(result, fmt), result.findings


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("what", ["check", "plan", "lint"])
def test_golden(what: str, fmt: str, tmp_path: Path, in_root: None) -> None:
    text, _ = rendered(what, fmt, tmp_path)
    compare(f"{what}.{EXT[fmt]}", text)


def test_golden_plan_sql(tmp_path: Path, in_root: None) -> None:
    compare("plan.sql", render_plan(plan_result(tmp_path), "sql"))


# --- the formats' own structure ------------------------------------------------------------------


def strict_sarif() -> Any:
    """sarif-pydantic's SARIF 2.1.0 model with every object closed: an unknown property fails."""
    from pydantic import BaseModel
    from sarif_pydantic import sarif as model

    classes = [c for c in vars(model).values()
               if isinstance(c, type) and issubclass(c, BaseModel) and c.__module__ == model.__name__]
    for c in classes:
        c.model_config["extra"] = "forbid"
    for c in classes:
        c.model_rebuild(force=True)
    return model.Sarif


@pytest.mark.parametrize("what", ["check", "plan", "lint"])
def test_sarif_is_valid_and_complete(what: str, tmp_path: Path, in_root: None) -> None:
    text, findings = rendered(what, "sarif", tmp_path)
    doc = json.loads(text)
    strict_sarif().model_validate(doc)
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted({f.code for f in findings})  # one rule per code
    for rule in rules:
        assert rule["helpUri"].endswith(f"/docs/rules/{rule['id']}.md")
        assert (ROOT / "docs" / "rules" / f"{rule['id']}.md").is_file(), rule["id"]
        assert rule["shortDescription"]["text"] != rule["name"], "a real description, not the kind again"
    assert len(run["results"]) == len(findings)
    for result, finding in zip(run["results"], findings, strict=True):
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == finding.code
        if finding.file:  # model file and line for check; migration file and line for lint
            phys = result["locations"][0]["physicalLocation"]
            assert phys["artifactLocation"]["uri"] == finding.file
            assert phys["region"]["startLine"] == finding.line
    if what in ("check", "lint"):
        assert all("physicalLocation" in r["locations"][0] for r in run["results"])


def test_a_misspelled_sarif_property_is_caught() -> None:
    """The validator is not a formality: it rejects what GitHub's upload would."""
    from pydantic import ValidationError

    doc = {"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}}, "results": [
        {"ruleID": "SG101", "message": {"text": "m"}}]}]}
    with pytest.raises(ValidationError):
        strict_sarif().model_validate(doc)


@pytest.mark.parametrize("what", ["check", "plan", "lint"])
def test_junit_parses_back(what: str, tmp_path: Path, in_root: None) -> None:
    text, findings = rendered(what, "junit", tmp_path)
    root = ET.fromstring(text.encode("utf-8"))
    cases = root.findall("./testsuite/testcase")
    assert len(cases) == len(findings)
    failing = [f for f in findings if f.severity in ("error", "warning")]
    assert int(root.get("failures", "-1")) == len(failing)
    assert [c.find("failure") is not None for c in cases] == [f in failing for f in findings]
    for case, f in zip(cases, findings, strict=True):
        assert case.get("name", "").startswith(f.code)
        if f.file:
            assert (case.get("file"), case.get("line")) == (f.file, str(f.line))


ANNOTATION = re.compile(r"^::(error|warning|notice) (?P<props>[^:]*)::(?P<msg>.*)$")


@pytest.mark.parametrize("what", ["check", "plan", "lint"])
def test_github_annotations_parse(what: str, tmp_path: Path, in_root: None) -> None:
    text, findings = rendered(what, "github", tmp_path)
    lines = text.splitlines()
    assert len(lines) == len(findings)
    for line, f in zip(lines, findings, strict=True):
        m = ANNOTATION.match(line)
        assert m, line
        assert m.group(1) == {"error": "error", "warning": "warning", "info": "notice"}[f.severity]
        props = dict(p.split("=", 1) for p in m.group("props").split(","))
        assert props["title"].startswith(f"{f.code} {f.kind}")
        if f.file:
            assert (props["file"], props["line"]) == (f.file, str(f.line))
        assert "\n" not in m.group("msg")


# Mermaid's erDiagram grammar for the lines the diagram writes (checked against Mermaid's own
# parser by hand: node + mermaid 11 parse every diagram of the golden files and the test cases).
ENTITY = r"[A-Za-z][A-Za-z0-9_]*"
MERMAID_LINES = [
    re.compile(r"^erDiagram$"),
    re.compile(rf"^    {ENTITY} \{{$"),
    re.compile(r"^    \}$"),
    re.compile(rf'^        [A-Za-z][A-Za-z0-9_()\[\]-]* {ENTITY}( (PK|FK|UK)(,(PK|FK|UK))*)?( "[^"]*")?$'),
    re.compile(rf'^    {ENTITY} \}}o--\|\| {ENTITY} : "[^"]*"$'),
    re.compile(r"^    %% .*$"),
]


@pytest.mark.parametrize("what", ["check", "plan"])
def test_markdown_has_a_mermaid_er_diagram_of_the_affected_tables(what: str, tmp_path: Path, in_root: None) -> None:
    text, _ = rendered(what, "markdown", tmp_path)
    [block] = re.findall(r"```mermaid\n(.*?)```", text, re.DOTALL)
    for line in block.splitlines():
        assert any(p.match(line) for p in MERMAID_LINES), f"not erDiagram grammar: {line!r}"
    if what == "check":
        # The drifting columns are marked, the same column drawn once under the database's name.
        assert 'INTEGER user_id FK "declared as userId, column_name_style, foreign_key_target_case"' in block
        assert "payments }o--|| users" in block and "Users" not in block
    else:
        assert "refunds {" in block and 'refunded_amount "add_column"' in block
        assert 'is_admin "skipped drop_column"' in block


def test_markdown_names_that_mermaid_cannot_take_are_reduced(tmp_path: Path) -> None:
    from schemaguard.report.mermaid import er_diagram
    from schemaguard.schema.snapshot import Column, ForeignKey, Schema, Table

    t = Table(name="Order Items", columns=(Column("id", "INTEGER", False), Column("qty\"x", "NUMERIC(10, 2)", True)),
              primary_key=("id",), foreign_keys=(ForeignKey(None, ("id",), "9lives", ("id",)),))
    other = Table(name="9lives", columns=(Column("id", "INTEGER", False),), primary_key=("id",))
    block = er_diagram(["Order Items", "9lives"], Schema("sqlite", (t, other)), None, {("Order Items", 'qty"x'): ["type_mismatch"]})
    assert "    Order_Items {" in block and "    t_9lives {" in block
    assert "        NUMERIC(10-2) qty_x \"qty'x: type_mismatch\"" in block
    assert '    Order_Items }o--|| t_9lives : "id"' in block
    for line in block.strip("`\n").splitlines()[1:-1]:
        assert any(p.match(line) for p in MERMAID_LINES), line


@pytest.mark.parametrize("fmt", ["table", "json", "sql", "alembic", "sarif", "junit", "github", "markdown"])
def test_cli_plan_every_format(fmt: str, tmp_path: Path, in_root: None) -> None:
    from cli_helpers import sg

    shutil.copyfile(ROOT / "examples" / "ticketing" / "legacy.db", tmp_path / "shop.db")
    res = sg("plan", "--models", "examples/ticketing/models_v2.py:Base", "--db", f"sqlite:///{tmp_path / 'shop.db'}",
             "--format", fmt)
    assert res.exit_code == 0, res.stderr
    # The finding formats carry the hazards and the skipped changes; the others every step.
    assert ("is_admin" if fmt in ("sarif", "junit", "github") else "refunds") in res.stdout
    if fmt in ("json", "sarif"):
        json.loads(res.stdout)
    elif fmt == "junit":
        ET.fromstring(res.stdout.encode("utf-8"))


@pytest.mark.parametrize("what", ["check", "plan", "lint"])
def test_golden_table(what: str, tmp_path: Path, in_root: None) -> None:
    """The rich terminal output, at a fixed width and without colour."""
    from cli_helpers import sg

    env = {"COLUMNS": "100", "NO_COLOR": "1", "TERM": "dumb"}
    if what == "check":
        res = sg("check", "-m", "examples/ticketing/models_buggy.py:Base", "--db", "sqlite:///examples/ticketing/legacy.db",
                 env=env)
        text = res.stdout
    elif what == "plan":
        shutil.copyfile(ROOT / "examples" / "ticketing" / "legacy.db", tmp_path / "shop.db")
        os.chdir(tmp_path)  # a relative URL: the output must not depend on the temporary path
        res = sg("plan", "-m", f"{ROOT / 'examples/ticketing/models_v2.py'}:Base", "--db", "sqlite:///shop.db",
                 "--mode", "alter", "--env", "development", env=env)
        text = res.stdout
    else:
        res = sg("lint", *LINT_FILES, env=env)
        text = res.stdout
    assert res.exit_code in (0, 1), res.stderr
    compare(f"{what}.table.txt", text)

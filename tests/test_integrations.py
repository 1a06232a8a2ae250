"""The ready-made integrations: examples/ci/github-actions.yml, .pre-commit-hooks.yaml and
docs/integrations.md. The YAML parses and has the structure GitHub Actions and pre-commit need;
every `schemaguard` invocation in them uses options the CLI has (read from `--help`) with values
the CLI accepts; the workflow's shell steps are run for real on a SQLite project (findings, clean,
unreachable database); the docs' TOML, JSON and Python examples are loaded and run."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import typer
import yaml  # PyYAML: installed with the test extras (optuna requires it)
from cli_helpers import create_db, runner, write_models

from schemaguard.cli.app import app
from schemaguard.cli.config import load_config

ROOT = Path(__file__).resolve().parent.parent
WORKFLOW = ROOT / "examples" / "ci" / "github-actions.yml"
HOOKS = ROOT / ".pre-commit-hooks.yaml"
DOCS = ROOT / "docs" / "integrations.md"
COMMANDS = ("check", "lint", "plan", "sync", "snapshot", "stamp")
# Options another change adds to check and lint; until the CLI has them, they may appear only in
# comments and in the docs (and are reported as skipped). Once the CLI has them, every line that
# uses them is checked like any other.
PENDING = frozenset({"--baseline", "--write-baseline"})
# pre-commit's manifest schema (pre_commit/clientlib.py MANIFEST_HOOK_DICT).
HOOK_REQUIRED = ("id", "name", "entry", "language")
HOOK_OPTIONAL = frozenset({
    "alias", "files", "exclude", "types", "types_or", "exclude_types", "additional_dependencies",
    "args", "always_run", "fail_fast", "pass_filenames", "description", "language_version",
    "log_file", "minimum_pre_commit_version", "require_serial", "stages", "verbose",
})
HOOK_STAGES = frozenset({
    "commit-msg", "post-checkout", "post-commit", "post-merge", "post-rewrite", "pre-commit",
    "pre-merge-commit", "pre-push", "pre-rebase", "prepare-commit-msg", "manual",
})


# --------------------------------------------------------------------------------------------
# what the CLI accepts


def help_options(command: str) -> set[str]:
    """The options `schemaguard COMMAND --help` lists (long and short names)."""
    r = runner.invoke(app, [command, "--help"], env={"COLUMNS": "250", "TERMINAL_WIDTH": "250"})
    assert r.exit_code == 0, r.output
    return set(re.findall(r"(?<![\w-])(--[a-z][a-z0-9-]*|-[a-zA-Z])(?![\w-])", r.output))


def click_command(command: str) -> Any:
    return typer.main.get_command(app).commands[command]  # type: ignore[attr-defined]


def test_help_lists_every_option_the_command_has() -> None:
    """The help parse below is trustworthy: it finds exactly the command's options."""
    for command in ("check", "lint"):
        declared = {o for p in click_command(command).params for o in (*p.opts, *p.secondary_opts)
                    if o.startswith("-")} | {"--help", "-h"}
        assert help_options(command) == declared


@dataclass(frozen=True)
class Invocation:
    where: str
    command: str
    args: tuple[str, ...]
    commented: bool


INVOCATION = re.compile(r"(?:^|[\s;&|(])schemaguard\s+(" + "|".join(COMMANDS) + r")\b(.*)$")


def invocations(text: str, where: str) -> list[Invocation]:
    """Every `schemaguard COMMAND ...` in shell-like text, its arguments up to the first shell
    operator (a redirection, pipe, `||`, `;`) or comment."""
    out = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        commented = stripped.startswith("#")
        # A comment holds a command only when it is one (`#   schemaguard check ...`), not prose
        # that mentions one; a YAML step's name or a hook's description is a title, not a command.
        if commented and not stripped.lstrip("# ").startswith("schemaguard "):
            continue
        if re.match(r"-?\s*(name|description|id):", stripped):
            continue
        m = INVOCATION.search(line)
        if not m:
            continue
        lex = shlex.shlex(m.group(2), posix=True, punctuation_chars=True)
        lex.whitespace_split = True
        args: list[str] = []
        for token in lex:
            if set(token) <= set("();<>|&"):
                break
            args.append(token)
        out.append(Invocation(f"{where}:{number}", m.group(1), tuple(args), commented))
    return out


def check_invocation(inv: Invocation, *, pending_allowed: bool) -> bool:
    """Assert the invocation is valid; return False when it was skipped for a pending option."""
    known = help_options(inv.command)
    used = {a.split("=", 1)[0] for a in inv.args if a.startswith("-") and a != "-"}
    unknown = used - known
    if unknown:
        assert unknown <= PENDING, f"{inv.where}: schemaguard {inv.command} has no option {sorted(unknown)}"
        assert pending_allowed, (
            f"{inv.where}: {sorted(unknown)} is not in `schemaguard {inv.command} --help` yet: keep the "
            "line in a comment until it is"
        )
        warnings.warn(f"{inv.where}: not checked until the CLI has {sorted(unknown)}", stacklevel=2)
        return False
    # Parse it as the CLI would (choices, required arguments), without running anything.
    cmd = click_command(inv.command)
    try:
        cmd.make_context(inv.command, list(inv.args))
    except Exception as exc:  # noqa: BLE001 - click's or typer's vendored click's errors alike
        pytest.fail(f"{inv.where}: `schemaguard {inv.command} {' '.join(inv.args)}` is rejected: {exc}")
    return True


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


# --------------------------------------------------------------------------------------------
# the GitHub Actions workflow


def workflow() -> dict[Any, Any]:
    data = load_yaml(WORKFLOW)
    assert isinstance(data, dict)
    return data


def steps() -> list[dict[str, Any]]:
    (job,) = workflow()["jobs"].values()
    return list(job["steps"])


def step(name_part: str) -> dict[str, Any]:
    (found,) = [s for s in steps() if name_part in s.get("name", "")]
    return found


def test_workflow_structure() -> None:
    data = workflow()
    # YAML 1.1 reads the key `on` as True.
    trigger = data.get("on", data.get(True))
    assert "pull_request" in trigger
    assert data["permissions"]["security-events"] == "write"
    (job,) = data["jobs"].values()
    assert job["runs-on"] == "ubuntu-latest"
    assert job["services"]["postgres"]["image"].startswith("postgres:")
    assert "5432:5432" in job["services"]["postgres"]["ports"]
    assert job["env"]["DATABASE_URL"].startswith("postgresql://")
    uses = [s.get("uses", "") for s in job["steps"]]
    assert any(u.startswith("actions/checkout@") for u in uses)
    (setup,) = [s for s in job["steps"] if s.get("uses", "").startswith("actions/setup-python@")]
    assert setup["with"]["python-version"] == "3.11"
    assert "pip install schemaguard" in step("Install")["run"]
    assert "git+https://" in step("Install")["run"]  # the not-yet-on-PyPI note
    assert "PLACEHOLDER" in step("migrations")["name"]
    upload = step("Upload SARIF")
    assert upload["uses"].startswith("github/codeql-action/upload-sarif@")
    assert upload["with"]["sarif_file"] == "schemaguard.sarif"
    assert "!cancelled()" in upload["if"]
    assert "--format sarif > schemaguard.sarif" in step("check")["run"]
    assert "--format github" in step("lint")["run"]
    assert "$GITHUB_STEP_SUMMARY" in step("summary")["run"] and "--format markdown" in step("summary")["run"]
    # The step order: the check must not stop the upload, the job fails only at the end.
    names = [s.get("name", s.get("uses", "")) for s in job["steps"]]
    assert names.index(step("check")["name"]) < names.index("Upload SARIF") < names.index("Fail on findings")
    text = WORKFLOW.read_text()
    assert "--baseline schemaguard-baseline.json" in text and "--write-baseline" in text
    # check's models cache is kept between runs: restored before the check, saved after it even
    # when the check found something, in the folder the job points schemaguard at.
    restore, save = step("Restore schemaguard's models cache"), step("Save schemaguard's models cache")
    assert restore["uses"].startswith("actions/cache/restore@") and save["uses"].startswith("actions/cache/save@")
    assert restore["with"]["path"] == save["with"]["path"] == ".schemaguard_cache"
    assert restore["with"]["key"] == save["with"]["key"] and "restore-keys" in restore["with"]
    assert "!cancelled()" in save["if"]
    assert job["env"]["SCHEMAGUARD_CACHE_DIR"] == "${{ github.workspace }}/.schemaguard_cache"
    assert names.index(restore["name"]) < names.index(step("check")["name"]) < names.index(save["name"])


def test_workflow_invocations_use_existing_options() -> None:
    found = invocations(WORKFLOW.read_text(encoding="utf-8"), WORKFLOW.name)
    commands = {(i.command, i.commented) for i in found}
    assert ("check", False) in commands and ("lint", False) in commands
    assert ("check", True) in commands and ("lint", True) in commands  # the baseline variants
    for inv in found:
        check_invocation(inv, pending_allowed=inv.commented)


# The workflow's shell steps, run with bash as GitHub runs them (`bash -e -o pipefail`), on a small
# project: SQLite instead of the PostgreSQL service, the console script from this environment.

CLEAN_MIGRATION = "CREATE TABLE notes (id integer PRIMARY KEY);\n"
RISKY_MIGRATION = "ALTER TABLE users DROP COLUMN name;\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    models = write_models(root / "app")
    (root / "pyproject.toml").write_text('[tool.schemaguard]\nmodels = "app/models.py:Base"\n')
    (root / "migrations").mkdir()
    create_db(f"sqlite:///{root / 'app.db'}", models)
    return root


def run_step(name_part: str, project: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], dict[str, str]]:
    s = step(name_part)
    output = project / f".github_output_{s.get('id', 'x')}"
    output.write_text("")
    script = project / ".step.sh"
    script.write_text(s["run"])
    (job,) = workflow()["jobs"].values()
    full = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "SCHEMAGUARD_ENV")}
    full.update({k: str(v) for k, v in job["env"].items()})
    full.update({k: str(v) for k, v in s.get("env", {}).items() if "${{" not in str(v)})
    full.update(env)
    full["GITHUB_OUTPUT"] = str(output)
    full["GITHUB_STEP_SUMMARY"] = str(project / ".summary.md")
    full["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{full.get('PATH', '')}"
    result = subprocess.run(  # noqa: PLW1510 - the exit code is what is tested
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", str(script)],
        cwd=project, env=full, capture_output=True, text=True, timeout=180,
    )
    outputs = dict(line.split("=", 1) for line in output.read_text().splitlines() if "=" in line)
    return result, outputs


@pytest.mark.parametrize(
    "scenario, migration, drift, expected",
    [
        ("findings", RISKY_MIGRATION, True, {"check": "1", "lint": "1", "final": 1}),
        ("clean", CLEAN_MIGRATION, False, {"check": "0", "lint": "0", "final": 0}),
        ("unreachable", CLEAN_MIGRATION, None, {"check": "3", "lint": "0", "final": 3}),
    ],
)
def test_workflow_steps_run(
    project: Path, scenario: str, migration: str, drift: bool | None, expected: dict[str, Any]
) -> None:
    (project / "migrations" / "0001.sql").write_text(migration)
    db = project / "app.db"
    if drift:
        import sqlite3

        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE legacy_stuff (id INTEGER PRIMARY KEY)")
    url = f"sqlite:///{db if drift is not None else project / 'missing.db'}"
    env = {"DATABASE_URL": url}

    check, check_out = run_step("schemaguard check", project, env)
    assert check.returncode == 0, check.stderr  # the step itself never fails: the upload must run
    assert check_out["exit_code"] == expected["check"], check.stderr
    sarif = project / "schemaguard.sarif"
    if expected["check"] == "3":
        assert not sarif.exists()  # nothing for the upload step to choke on
        assert "schemaguard: error:" in check.stderr and "Traceback" not in check.stderr
    else:
        doc = json.loads(sarif.read_text())
        assert doc["version"] == "2.1.0"
        results = doc["runs"][0]["results"]
        assert bool(results) == bool(drift)

    lint, lint_out = run_step("schemaguard lint", project, env)
    assert lint.returncode == 0
    assert lint_out["exit_code"] == expected["lint"]
    assert ("::error file=migrations/0001.sql,line=1" in lint.stdout) == (expected["lint"] == "1")

    summary, _ = run_step("Job summary", project, env)
    text = (project / ".summary.md").read_text() if (project / ".summary.md").exists() else ""
    if expected["check"] != "3":
        assert summary.returncode == 0, summary.stderr
        assert "schemaguard check" in text and "schemaguard lint" in text
        assert ("legacy_stuff" in text) == bool(drift)
        assert ("drop_column" in text) == (expected["lint"] == "1")
    else:
        assert summary.returncode == 3  # the summary cannot be written without a database

    final, _ = run_step("Fail on findings", project,
                        {**env, "CHECK_EXIT": check_out["exit_code"], "LINT_EXIT": lint_out["exit_code"]})
    assert final.returncode == expected["final"], (scenario, final.stdout, final.stderr)


# --------------------------------------------------------------------------------------------
# .pre-commit-hooks.yaml


def hooks() -> dict[str, dict[str, Any]]:
    data = load_yaml(HOOKS)
    assert isinstance(data, list) and data
    out = {}
    for hook in data:
        assert isinstance(hook, dict)
        for key in HOOK_REQUIRED:
            assert isinstance(hook.get(key), str) and hook[key], (hook, key)
        assert set(hook) <= set(HOOK_REQUIRED) | HOOK_OPTIONAL, set(hook) - set(HOOK_REQUIRED) - HOOK_OPTIONAL
        for key in ("always_run", "pass_filenames", "require_serial", "fail_fast", "verbose"):
            assert isinstance(hook.get(key, False), bool)
        for key in ("args", "types", "types_or", "exclude_types", "additional_dependencies", "stages"):
            value = hook.get(key, [])
            assert isinstance(value, list) and all(isinstance(v, str) for v in value), (hook["id"], key)
        assert set(hook.get("stages", [])) <= HOOK_STAGES
        for key in ("files", "exclude"):
            if key in hook:
                re.compile(hook[key])
        assert hook["id"] not in out
        out[hook["id"]] = hook
    return out


def test_pre_commit_hooks_structure() -> None:
    found = hooks()
    assert set(found) == {"schemaguard-lint", "schemaguard-check"}
    lint = found["schemaguard-lint"]
    assert (lint["entry"], lint["language"], lint["pass_filenames"]) == ("schemaguard lint", "python", True)
    check = found["schemaguard-check"]
    assert (check["entry"], check["language"]) == ("schemaguard check", "python")
    assert check["always_run"] is True and check["pass_filenames"] is False
    assert check["stages"] == ["manual"]  # off unless the user's config opts in


@pytest.mark.parametrize(
    "path, linted",
    [
        ("alembic/versions/3f2a_add_orders.py", True),
        ("migrations/0001_init.sql", True),
        ("db/migrations/2024/0002.sql", True),
        ("versions/abc.py", True),
        ("app/models.py", False),
        ("alembic/env.py", False),
        ("migrations/README.md", False),
        ("docs/migrations.sql", False),
        ("tests/test_migrations.py", False),
    ],
)
def test_pre_commit_lint_hook_files(path: str, linted: bool) -> None:
    # pre-commit matches `files` with re.search on the repository-relative path.
    assert bool(re.search(hooks()["schemaguard-lint"]["files"], path)) == linted


def test_pre_commit_hooks_run_as_pre_commit_runs_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    found = hooks()
    lint = found["schemaguard-lint"]
    (tmp_path / "alembic" / "versions").mkdir(parents=True)
    (tmp_path / "alembic" / "versions" / "0002.py").write_text(
        "from alembic import op\n\n\ndef upgrade():\n    op.drop_table('orders')\n"
    )
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001.sql").write_text(CLEAN_MIGRATION)
    monkeypatch.chdir(tmp_path)
    changed = ["alembic/versions/0002.py", "migrations/0001.sql", "app/models.py"]
    files = [f for f in changed if re.search(lint["files"], f)]
    cmd, *entry_args = shlex.split(lint["entry"])
    assert cmd == "schemaguard"
    args = [*entry_args, *lint.get("args", []), *files]
    check_invocation(Invocation(HOOKS.name, args[0], tuple(args[1:]), False), pending_allowed=False)
    r = runner.invoke(app, args)
    assert r.exit_code == 1, r.output  # the drop_table blocks the commit
    assert "drop_table" in r.output
    r = runner.invoke(app, [*entry_args, "migrations/0001.sql"])
    assert r.exit_code == 0, r.output

    check = found["schemaguard-check"]
    cmd, *entry_args = shlex.split(check["entry"])
    check_invocation(Invocation(HOOKS.name, entry_args[0], tuple([*entry_args[1:], *check.get("args", [])]), False),
                     pending_allowed=False)


def test_pre_commit_hooks_comments_use_existing_options() -> None:
    for inv in invocations(HOOKS.read_text(encoding="utf-8"), HOOKS.name):
        if inv.commented:
            check_invocation(inv, pending_allowed=True)


# --------------------------------------------------------------------------------------------
# docs/integrations.md


def fenced_blocks(language: str) -> list[str]:
    text = DOCS.read_text(encoding="utf-8")
    return re.findall(r"^```" + language + r"\n(.*?)^```", text, flags=re.S | re.M)


def test_docs_invocations_use_existing_options() -> None:
    text = DOCS.read_text(encoding="utf-8")
    blocks = re.findall(r"^```(?:sh|yaml|toml)\n(.*?)^```", text, flags=re.S | re.M)
    found = [inv for i, b in enumerate(blocks) for inv in invocations(b, f"{DOCS.name} block {i + 1}")]
    assert len(found) >= 8
    for inv in found:
        check_invocation(inv, pending_allowed=True)


def test_docs_yaml_blocks_parse_and_gitlab_reports_junit() -> None:
    blocks = [yaml.safe_load(b) for b in fenced_blocks("yaml")]
    (gitlab,) = [b for b in blocks if isinstance(b, dict) and "schemaguard" in b]
    job = gitlab["schemaguard"]
    assert job["artifacts"]["when"] == "always"
    reports = job["artifacts"]["reports"]["junit"]
    script = "\n".join(job["script"])
    for report in reports:
        assert f"--format junit > {report}" in script
    assert script.strip().endswith("exit $status")
    # The user config of pre-commit names the shipped hooks.
    (precommit,) = [b for b in blocks if isinstance(b, dict) and "repos" in b]
    ids = {h["id"] for r in precommit["repos"] for h in r["hooks"]}
    assert ids == set(hooks())


def test_docs_gitlab_script_keeps_going_and_fails_at_the_end(project: Path) -> None:
    """The GitLab script's `|| status=$?` pattern, run by sh as GitLab's runner would."""
    blocks = [yaml.safe_load(b) for b in fenced_blocks("yaml")]
    (gitlab,) = [b for b in blocks if isinstance(b, dict) and "schemaguard" in b]
    lines = [ln for ln in gitlab["schemaguard"]["script"] if not ln.startswith(("pip ", "alembic "))]
    (project / "migrations" / "0001.sql").write_text(RISKY_MIGRATION)
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{project / 'app.db'}",
           "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    r = subprocess.run(["sh", "-ec", "\n".join(lines)], cwd=project, env=env, capture_output=True,  # noqa: PLW1510
                       text=True, timeout=180)
    assert r.returncode == 1, r.stderr
    import xml.etree.ElementTree as ET

    lint_xml = ET.parse(project / "schemaguard-lint.xml").getroot()
    check_xml = ET.parse(project / "schemaguard-check.xml").getroot()
    assert lint_xml.get("failures") == "1" and check_xml.get("failures") == "0"


def test_docs_toml_examples_load(tmp_path: Path) -> None:
    pyproject, schemaguard_toml = fenced_blocks("toml")
    (tmp_path / "pyproject.toml").write_text(pyproject)
    top = load_config(tmp_path / "pyproject.toml")
    assert top.models == [f"{tmp_path / 'myapp/models.py'}:Base"] and top.fail_on == "warning"

    (tmp_path / "schemaguard.toml").write_text(schemaguard_toml)
    cfg = tmp_path / "schemaguard.toml"
    dev = load_config(cfg, environment="development")
    assert (dev.fail_on, dev.database_url) == ("error", f"sqlite:///{tmp_path / 'dev.db'}")
    prod = load_config(cfg, environment="production")
    assert (prod.database_url_env, prod.schema, prod.exclude) == ("PRODUCTION_READONLY_URL", "app", ["tmp_*"])
    assert [i.kind for i in prod.ignore] == ["table_extra", "index_extra"]
    assert load_config(cfg, environment="ci").database_url_env == "CI_DATABASE_URL"
    assert load_config(cfg, environment="staging") == load_config(cfg)


def test_docs_baseline_example_is_what_write_baseline_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from schemaguard.checking.baseline import write_baseline
    from schemaguard.lint import lint_paths

    (example,) = fenced_blocks("json")
    shown = json.loads(example)
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001_cleanup.sql").write_text(
        "DELETE FROM sessions;\nALTER TABLE users DROP COLUMN email;\nDELETE FROM sessions;\n"
    )
    monkeypatch.chdir(tmp_path)
    write_baseline("b.json", lint_paths(["migrations"]).findings, command="lint")
    real = json.loads(Path("b.json").read_text())
    assert {k: v for k, v in shown.items() if k != "findings"} == {k: v for k, v in real.items() if k != "findings"}
    assert [list(e) for e in shown["findings"]] == [list(e) for e in real["findings"]]
    strip = [{k: v for k, v in e.items() if k != "fingerprint"} for e in real["findings"]]
    assert [{k: v for k, v in e.items() if k != "fingerprint"} for e in shown["findings"]] == strip


def test_docs_python_example_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (example,) = fenced_blocks("python")
    (tmp_path / "migrations").mkdir()
    (tmp_path / "migrations" / "0001.sql").write_text(RISKY_MIGRATION)
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, Any] = {}
    exec(compile(example, str(DOCS), "exec"), namespace)
    assert len(namespace["new"]) == 0 and len(namespace["matched"]) == 1


def test_docs_snapshot_recipe_runs_and_skips_the_import_on_a_cache_hit(tmp_path: Path, pg_url: str) -> None:
    """The snapshot recipe's steps, run by bash as the runner would, with its cache key computed as
    hashFiles does: the key sees the models file and changes with it; the snapshot is written on a
    miss and saved whatever the check finds; on a hit the models are never imported (here they
    would fail to), and the findings are the ones a check of the live database with the models
    imported gives."""
    import glob
    import hashlib

    (recipe,) = [b for b in (yaml.safe_load(b) for b in fenced_blocks("yaml"))
                 if isinstance(b, list) and any(s.get("id") == "models-snapshot" for s in b)]
    miss = "steps.models-snapshot.outputs.cache-hit != 'true'"
    (version_step,) = [s for s in recipe if "GITHUB_ENV" in s.get("run", "")]
    (guard,) = [s for s in recipe if str(s.get("if", "")).startswith("hashFiles(")]
    (restore,) = [s for s in recipe if s.get("id") == "models-snapshot"]
    (snapshot_step,) = [s for s in recipe if s.get("if") == miss and "run" in s]
    (save,) = [s for s in recipe if s.get("uses", "").startswith("actions/cache/save@")]
    (check_step,) = [s for s in recipe if "schemaguard check" in s.get("run", "")]
    steps_in_order = [version_step, guard, restore, snapshot_step, save, check_step]
    assert [recipe.index(s) for s in steps_in_order] == sorted(recipe.index(s) for s in steps_in_order)
    assert restore["uses"].startswith("actions/cache/restore@")
    path = ".schemaguard/declared.json"
    assert restore["with"]["path"] == save["with"]["path"] == path
    # Saved before the check, on a miss only, under the key the restore computed.
    assert save["if"] == miss and save["with"]["key"] == "${{ steps.models-snapshot.outputs.cache-primary-key }}"
    assert f"-o {path}" in snapshot_step["run"] and f"--models {path}" in check_step["run"]

    root = tmp_path / "repo"
    models = write_models(root / "myapp")
    (root / "requirements.txt").write_text("schemaguard\n")
    target = re.search(r"--models (\S+)", snapshot_step["run"]).group(1)  # type: ignore[union-attr]
    assert target == "myapp/models.py:Base"

    def hash_files(expression: str) -> str:
        """hashFiles(...) as GitHub computes it: '' when no file matches, else a digest of the
        matched files' digests (only whether it changes matters here)."""
        patterns = re.findall(r"'([^']+)'", expression)
        files = sorted({f for p in patterns for f in glob.glob(str(root / p), recursive=True) if Path(f).is_file()})
        if not files:
            return ""
        return hashlib.sha256(b"".join(hashlib.sha256(Path(f).read_bytes()).digest() for f in files)).hexdigest()

    key_expr = restore["with"]["key"]
    (files_expr,) = re.findall(r"hashFiles\([^)]*\)", key_expr)
    assert target in key_expr and "${{ env.SCHEMAGUARD_VERSION }}" in key_expr
    # The guard's patterns match, so it lets the job go on; and they are among the key's.
    (guard_expr,) = re.findall(r"hashFiles\([^)]*\)", guard["if"])
    assert set(re.findall(r"'([^']+)'", guard_expr)) <= set(re.findall(r"'([^']+)'", files_expr))
    assert hash_files(guard_expr) != ""
    key_before = hash_files(files_expr)
    assert key_before != ""

    create_db(pg_url, models, "ALTER TABLE users DROP COLUMN name", "ALTER TABLE posts ADD COLUMN draft boolean")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "GITHUB_ENV": str(root / ".github_env")}
    env.pop("DATABASE_URL", None)

    def run(script: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],  # noqa: PLW1510
                              cwd=root, env=env, capture_output=True, text=True, timeout=180)

    # The production job (with credentials) publishes the live schema.
    prod = run(f"schemaguard snapshot --db '{pg_url}' -o prod-schema.json")
    assert prod.returncode == 0, prod.stderr
    assert run(version_step["run"]).returncode == 0
    from schemaguard import __version__
    assert (root / ".github_env").read_text().strip() == f"SCHEMAGUARD_VERSION={__version__}"
    # The guard's own command fails the job (it runs only when nothing matches).
    assert run(guard["run"]).returncode == 1

    # Cache miss: the snapshot is written, and the check finds the drift.
    snap = run(snapshot_step["run"])
    assert snap.returncode == 0 and (root / path).is_file(), snap.stderr
    first = run(check_step["run"])
    assert first.returncode == 1, first.stderr
    assert "column_missing" in first.stdout and "column_extra" in first.stdout

    # What the recipe reports is what a check importing the models against the live database gives.
    def findings(*args: str) -> list[dict[str, Any]]:
        r = run(" ".join(["schemaguard", "check", *args, "--format", "json"]))
        assert r.returncode == 1, r.stderr
        return [{k: v for k, v in f.items() if k != "message"} for f in json.loads(r.stdout)["findings"]]

    live = findings("--models", target, "--db", f"'{pg_url}'")
    assert findings("--models", path, "--db", "prod-schema.json") == live
    assert {(f["kind"], f["table"], f["column"]) for f in live} == {
        ("column_missing", "users", "name"), ("column_extra", "posts", "draft")}

    # The key follows the models: a changed model is a miss.
    original = models.read_text()
    models.write_text(original + "\n# a change\n")
    assert hash_files(files_expr) != key_before
    models.write_text(original)
    assert hash_files(files_expr) == key_before

    # So is a module added beside them (the models may import it).
    (root / "myapp" / "helpers.py").write_text("")
    assert hash_files(files_expr) != key_before
    (root / "myapp" / "helpers.py").unlink()

    # Cache hit (same key): the snapshot step is skipped and the models are not imported.
    models_text = models.read_text()
    models.write_text('raise SystemExit("the models were imported")\n')
    again = run(check_step["run"])
    assert again.returncode == 1 and again.stdout == first.stdout, again.stderr
    models.write_text(models_text)

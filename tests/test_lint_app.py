"""schemaguard lint on application code: schema-wiping calls at start-up in JavaScript and TypeScript
(read with tree-sitter, the `js` extra) and in Python (read with ast), the environment-check
heuristic that makes them warnings, suppressions, exact lines, the directory walk, and a clear error
when the extra is missing.

The cases are the files of tests/lint_cases/app/, whose `expect:` comments name the findings each
line must give.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from schemaguard.errors import UsageError
from schemaguard.lint import javascript as js
from schemaguard.lint import lint_alembic, lint_javascript, lint_paths
from schemaguard.rules.findings import Finding

APP = Path(__file__).resolve().parent / "lint_cases" / "app"
SCRIPTS = sorted(p for p in APP.iterdir() if p.suffix in js.SUFFIXES)


def expected(path: Path) -> list[tuple[int, str]]:
    out = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        for marker in ("// expect:", "# expect:"):
            if marker in line:
                out += [(number, k.strip()) for k in line.split(marker, 1)[1].split(",") if k.strip()]
    return sorted(out)


def found(findings: list[Finding]) -> list[tuple[int, str]]:
    return sorted((f.line or 0, f.kind) for f in findings)


def severities(source: str, file: str = "app.js") -> list[tuple[int, str]]:
    return [(f.line or 0, f.severity) for f in lint_javascript(source, file)]


# --- the case files --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(APP.iterdir()), ids=lambda p: p.name)
def test_app_case(path: Path) -> None:
    findings = lint_paths([path]).findings
    assert found(findings) == expected(path)
    for f in findings:
        assert (f.code, f.destructive, f.file) == ("SG314", True, str(path))
        assert f.message and f.hint


def test_app_folder_severities_and_lines() -> None:
    got = [(Path(f.file or "").name, f.line, f.severity) for f in lint_paths([APP]).findings]
    assert got == [
        ("App.tsx", 8, "warning"),
        ("data-source.ts", 8, "error"),
        ("data-source.ts", 9, "warning"),
        ("data-source.ts", 16, "error"),
        ("data-source.ts", 17, "error"),
        ("guarded.py", 12, "warning"),
        ("guarded.py", 17, "warning"),
        ("guarded.py", 23, "warning"),
        ("guarded.py", 28, "error"),
        ("guarded.py", 32, "warning"),
        ("reset_on_start.py", 13, "error"),
        ("reset_on_start.py", 18, "error"),
        ("server.js", 12, "error"),
        ("server.js", 14, "error"),
        ("startup.mjs", 7, "warning"),
        ("startup.mjs", 9, "warning"),
        ("startup.mjs", 10, "warning"),
        ("startup.mjs", 11, "warning"),
        ("startup.mjs", 13, "error"),
    ]


# --- mentions are not calls -----------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".js", ".ts", ".tsx"])
def test_comments_strings_and_templates_are_not_calls(suffix: str) -> None:
    source = (
        "// sequelize.sync({ force: true })\n"
        "/* db.sync({ alter: true });\n"
        "   Model.sync({ force: true }) */\n"
        "const a = 'sequelize.sync({ force: true })';\n"
        'const b = "ds.synchronize(true); ds.dropDatabase()";\n'
        "const c = `sequelize.sync({ force: true }) ${name} db.sync({ alter: true })`;\n"
        "const d = /sync\\(\\{ force: true \\}\\)/;\n"
        "const e = { description: 'synchronize: true', type: 'postgres' };\n"
        "log(`${'synchronize: true'}`);\n"
    )
    assert lint_javascript(source, f"app{suffix}") == []


def test_a_call_inside_a_template_substitution_is_a_call() -> None:
    assert severities("log(`${await sequelize.sync({ force: true })}`);\n") == [(1, "error")]


# --- call shapes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("sequelize.sync({ force: true });", "error"),
        ("await sequelize.sync({ force: true });", "error"),
        ("await db.sequelize.sync({ force: true });", "error"),
        ("db.sync({force:true, ...rest});", "error"),
        ("User.sync({ force: true, logging: false });", "error"),
        ("sequelize.sync({ alter: true });", "error"),
        ("sequelize.sync({ alter: {} });", "error"),
        ("sequelize.sync({ alter: { drop: true } });", "error"),
        ("sequelize.sync({ 'force': true });", "error"),
        ("sequelize.sync({ force: 1 });", "error"),
        ("sequelize.sync({ force: !0 });", "error"),
        ("sync({ force: true });", "error"),
        ("sequelize.sync({ force: true }).then(() => app.listen(3000));", "error"),
        ("const opts = { force: true };\nsequelize.sync(opts);", "error"),
        ("sequelize.sync({ force: someVariable });", "warning"),
        ("sequelize.sync({ force });", "warning"),
        ("sequelize.sync({ alter: config.db.alter });", "warning"),
        ("sequelize.sync({ force: process.env.FORCE_SYNC === 'true' });", "warning"),
        ("sequelize.sync({ force: false });", None),
        ("sequelize.sync({ force: false, alter: false });", None),
        ("sequelize.sync({ alter: false });", None),
        ("sequelize.sync({ force: null, alter: undefined });", None),
        ("sequelize.sync({ force: 0 });", None),
        ("sequelize.sync({ alter: { drop: false } });", None),
        ("sequelize.sync();", None),
        ("sequelize.sync({ logging: console.log });", None),
        ("sequelize.sync(options);", None),  # not known in this file: nothing to judge
        ("fs.writeFileSync(path, data, { force: true });", None),
        ("rimraf.sync(dir, { force: true });", None),
        ("new DataSource({ type: 'postgres', synchronize: true });", "error"),
        ("createConnection({ type: 'mysql', dropSchema: true });", "error"),
        ("TypeOrmModule.forRoot({ synchronize: true });", "error"),
        ("new DataSource({ synchronize: true } as DataSourceOptions);", "error"),
        ("export default { type: 'postgres', entities: [], synchronize: true };", "error"),
        ("new DataSource({ type: 'postgres', synchronize: isSync });", "warning"),
        ("new DataSource({ type: 'postgres', synchronize: false, dropSchema: false });", None),
        ("const flags = { synchronize: true };", None),  # no data source config
        ("await dataSource.synchronize(true);", "error"),
        ("await dataSource.synchronize();", "error"),
        ("await dataSource.synchronize(dropFirst);", "warning"),
        ("await dataSource.dropDatabase();", "error"),
        ("synchronize(true);", None),  # a bare function of the app's own
    ],
)
def test_call_shapes(code: str, severity: str | None) -> None:
    for suffix in (".ts",) if " as " in code else (".js", ".ts"):
        got = severities(code + "\n", f"app{suffix}")
        assert [s for _, s in got] == ([severity] if severity else []), (code, suffix)


def test_messages_say_what_and_why() -> None:
    (force,) = lint_javascript("await db.sequelize.sync({ force: true });\n")
    assert force.message.startswith("db.sequelize.sync({ force: true }) drops the tables it syncs")
    assert "schemaguard sync --mode auto" in force.hint and "without force or alter" in force.hint
    assert "// schemaguard: ignore force_reset" in force.hint
    (alter,) = lint_javascript("sequelize.sync({ alter: true });\n")
    assert "drops the columns the models no longer declare" in alter.message
    (unknown,) = lint_javascript("User.sync({ force: reset });\n")
    assert "force could be true (it is known only at run time)" in unknown.message
    (env_value,) = lint_javascript("User.sync({ force: process.env.RESET === '1' });\n")
    assert "force could be true (it depends on the environment)" in env_value.message
    (typeorm,) = lint_javascript("new DataSource({ type: 'postgres', synchronize: true });\n")
    assert typeorm.message.startswith("`synchronize: true` in a TypeORM data source config")
    assert "migration:run" in typeorm.hint


def test_force_and_alter_in_one_call_are_one_finding() -> None:
    assert severities("sequelize.sync({ force: true, alter: true });\n") == [(1, "error")]


def test_multiline_chain_is_reported_at_the_method_line() -> None:
    source = "await db\n  .sequelize\n  .sync({\n    force: true,\n  });\n"
    assert severities(source) == [(3, "error")]


# --- the environment-check heuristic ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("code", "severity"),
    [
        ("if (process.env.NODE_ENV === 'development') { await sequelize.sync({ force: true }); }", "warning"),
        ("if (process.env.NODE_ENV !== 'production') await sequelize.sync({ force: true });", "warning"),
        ("if (process.env.FORCE_SYNC) { await sequelize.sync({ force: true }); }", "warning"),
        ("if (import.meta.env.DEV) { await sequelize.sync({ force: true }); }", "warning"),
        ("if (isDev) { await sequelize.sync({ force: true }); }", "warning"),
        ("if (config.env === 'test') { await sequelize.sync({ force: true }); }", "warning"),
        ("if (app.get('env') === 'development') { await sequelize.sync({ force: true }); }", "warning"),
        ("if (process.env['NODE_ENV'] === 'test') sequelize.sync({ force: true });", "warning"),
        ("if (process.env.NODE_ENV === 'production') {} else { sequelize.sync({ force: true }); }", "warning"),
        ("process.env.NODE_ENV === 'test' ? sequelize.sync({ force: true }) : null;", "warning"),
        ("process.env.RESET && sequelize.sync({ force: true });", "warning"),
        ("switch (process.env.NODE_ENV) { case 'test': sequelize.sync({ force: true }); }", "warning"),
        ("function f() {\n  if (process.env.NODE_ENV !== 'development') return;\n  sequelize.sync({ force: true });\n}",
         "warning"),
        ("function f() {\n  if (!isDevelopment) { throw new Error('no'); }\n  sequelize.sync({ force: true });\n}",
         "warning"),
        # Not environment checks:
        ("if (process.env.NODE_ENV === 'production') { sequelize.sync({ force: true }); }", "error"),
        ("process.env.NODE_ENV === 'production' && sequelize.sync({ force: true });", "error"),
        ("function f() {\n  if (process.env.NODE_ENV !== 'production') return;\n  sequelize.sync({ force: true });\n}",
         "error"),
        ("if (ready) { sequelize.sync({ force: true }); }", "error"),
        ("if (users.length === 0) { sequelize.sync({ force: true }); }", "error"),
        ("if (await sequelize.sync({ force: true }) && process.env.X) {}", "error"),
        ("if (/^dev/.test(name)) { sequelize.sync({ force: true }); }", "error"),
        ("function f() {\n  if (ready) return;\n  sequelize.sync({ force: true });\n}", "error"),
    ],
)
def test_environment_checks_in_javascript(code: str, severity: str) -> None:
    got = lint_javascript(code + "\n", "app.ts")
    assert [f.severity for f in got] == [severity], code
    if severity == "warning":
        assert "it sits behind an environment check (`" in got[0].message
        assert "make sure that check can never hold in production" in got[0].message


@pytest.mark.parametrize(
    ("body", "severity"),
    [
        ('    if os.environ["APP_ENV"] == "development":\n        db.drop_all()', "warning"),
        ('    if os.environ.get("FORCE_SYNC"):\n        metadata.drop_all(engine)', "warning"),
        ('    if os.getenv("ENV") != "production":\n        Base.metadata.drop_all(bind=engine)', "warning"),
        ("    if settings.DEBUG:\n        db.drop_all()", "warning"),
        ('    if app.config["TESTING"]:\n        db.drop_all()', "warning"),
        ("    if app.testing:\n        db.drop_all()", "warning"),
        ('    if os.environ.get("ENV") == "production":\n        pass\n    else:\n        db.drop_all()', "warning"),
        ("    db.drop_all() if settings.DEBUG else None", "warning"),
        ("    settings.DEBUG and db.drop_all()", "warning"),
        ("    if not settings.DEBUG:\n        return\n    db.drop_all()", "warning"),
        ('    if os.environ.get("ENV") != "development":\n        raise RuntimeError("no")\n    db.drop_all()',
         "warning"),
        ("    match os.environ['ENV']:\n        case 'test':\n            db.drop_all()", "warning"),
        # Not environment checks:
        ('    if os.environ.get("ENV") == "production":\n        db.drop_all()', "error"),
        ("    if ready:\n        db.drop_all()", "error"),
        ("    if not ready:\n        return\n    db.drop_all()", "error"),
        ("    db.drop_all()", "error"),
    ],
)
def test_environment_checks_in_python(body: str, severity: str) -> None:
    source = "import os\n\n\ndef reset(app, db, settings, metadata, engine, Base, ready):\n" + body + "\n"
    got = lint_alembic(source, "app.py")
    assert [f.severity for f in got] == [severity], body
    if severity == "warning":
        assert "it sits behind an environment check (`" in got[0].message
    assert 'schemaguard.safe_sync(engine, metadata, mode="auto")' in got[0].hint


# --- grammars -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suffix", "source"),
    [
        (".js", "const x = <div>{sequelize.sync({ force: true })}</div>;\n"),
        (".jsx", "const x = <div>{sequelize.sync({ force: true })}</div>;\n"),
        (".cjs", "module.exports = async () => { await require('./db').sync({ force: true }); };\n"),
        (".mjs", "export default async function () { await db.sync({ force: true }); }\n"),
        (".ts", "const n: number = <number>x; await db.sync<void>({ force: true } satisfies SyncOptions);\n"),
        (".mts", "enum E { A } export async function s(db: Sequelize): Promise<void> { await db.sync({ force: true }); }\n"),
        (".cts", "import db = require('./db'); db!.sync({ force: true });\n"),
        (".tsx", "function F<T,>(p: T) { return <b onClick={() => db.sync({ force: true })} />; }\n"),
    ],
)
def test_each_suffix_is_read_with_its_grammar(suffix: str, source: str) -> None:
    assert severities(source, f"app{suffix}") == [(1, "error")]


def test_typescript_angle_bracket_casts_need_the_typescript_grammar() -> None:
    # The TSX grammar (for .tsx) would read <number> as JSX; .ts must not.
    assert lint_javascript("const n = <number>x;\n", "a.ts") == []
    with pytest.raises(UsageError, match=r"a\.tsx, line 1: not valid TypeScript"):
        lint_javascript("const n = <number>x;\n", "a.tsx")


def test_invalid_source_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"bad\.js, line 2: not valid JavaScript"):
        lint_javascript("const a = 1;\nsequelize.sync({ force: true );\n", "bad.js")


# --- suppressions -------------------------------------------------------------------------------


def test_javascript_suppressions() -> None:
    source = (
        "sequelize.sync({ force: true }); // schemaguard: ignore force_reset\n"  # 1 same line
        "sequelize.sync({ force: true });\n"  # 2: a trailing comment above does not cover it
        "// schemaguard: ignore SG314 -- demo database\n"
        "// the reason, in more words\n"
        "sequelize.sync({ force: true });\n"  # 5: line before, comment lines skipped
        "/* schemaguard: ignore force_reset */ sequelize.sync({ force: true });\n"  # 6
        "sequelize.sync({ force: true }); /* schemaguard: ignore all */\n"  # 7
        "/*\n"
        " * schemaguard: ignore force_reset\n"
        " */\n"
        "sequelize.sync({ force: true });\n"  # 11: after a block comment of several lines
        "// schemaguard: ignore drop_table\n"
        "sequelize.sync({ force: true });\n"  # 13: another kind is not suppressed
        "await db\n"
        "  .sync({ alter: true }); // schemaguard: ignore force_reset\n"  # anywhere on the call
        "// schemaguard: ignore force_reset\n"
        "await db\n"
        "  .sync({ alter: true });\n"  # the line before the call's first line
        "sequelize.sync({ force: true }); // schemaguard: ignore forse_reset\n"  # 19: typo
    )
    got = [(f.line, f.kind) for f in lint_javascript(source)]
    assert got == [(2, "force_reset"), (13, "force_reset"), (19, "force_reset"), (19, "unknown_suppression")]


def test_a_suppression_inside_a_string_is_no_suppression() -> None:
    source = "const s = '// schemaguard: ignore force_reset';\nsequelize.sync({ force: true });\n"
    assert severities(source) == [(2, "error")]


# --- files and folders ----------------------------------------------------------------------------


def test_directory_walk_reads_scripts_and_skips_node_modules(tmp_path: Path) -> None:
    (tmp_path / "node_modules" / "sequelize" / "lib").mkdir(parents=True)
    (tmp_path / "node_modules" / "sequelize" / "lib" / "sequelize.js").write_text(
        "module.exports = (s) => s.sync({ force: true });\n", encoding="utf-8")
    (tmp_path / "src" / "node_modules").mkdir(parents=True)
    (tmp_path / "src" / "node_modules" / "x.ts").write_text("db.sync({ force: true });\n", encoding="utf-8")
    (tmp_path / ".next").mkdir()
    (tmp_path / ".next" / "server.js").write_text("db.sync({ force: true });\n", encoding="utf-8")
    (tmp_path / "src" / "index.ts").write_text("\n\nawait db.sync({ force: true });\n", encoding="utf-8")
    (tmp_path / "src" / "notes.md").write_text("db.sync({ force: true })\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("db.drop_all()\n", encoding="utf-8")
    result = lint_paths([tmp_path])
    assert result.files == [str(tmp_path / "app.py"), str(tmp_path / "src" / "index.ts")]
    assert [(Path(f.file or "").name, f.line) for f in result.findings] == [("app.py", 1), ("index.ts", 3)]


def test_a_folder_of_scripts_only_is_linted(tmp_path: Path) -> None:
    (tmp_path / "a.cjs").write_text("db.sync({ force: true });\n", encoding="utf-8")
    assert [f.line for f in lint_paths([tmp_path]).findings] == [1]


@pytest.fixture
def without_extra(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """As if the js extra were not installed: importing tree_sitter fails."""
    js._parser.cache_clear()
    for name in ("tree_sitter", "tree_sitter_javascript", "tree_sitter_typescript"):
        monkeypatch.setitem(sys.modules, name, None)
    yield
    js._parser.cache_clear()


@pytest.mark.usefixtures("without_extra")
def test_missing_extra_is_one_clear_error(tmp_path: Path) -> None:
    (tmp_path / "server.js").write_text("db.sync({ force: true });\n", encoding="utf-8")
    (tmp_path / "b.ts").write_text("\n", encoding="utf-8")
    (tmp_path / "app.py").write_text("db.drop_all()\n", encoding="utf-8")
    with pytest.raises(js.ExtraMissing) as err:
        lint_paths([tmp_path])
    text = str(err.value)
    assert "b.ts (and 1 other JavaScript/TypeScript file(s))" in text
    assert "pip install 'schemaguard[js]'" in text
    with pytest.raises(js.ExtraMissing, match=r"cannot lint x\.js: .*pip install 'schemaguard\[js\]'"):
        lint_javascript("db.sync({ force: true });\n", "x.js")
    # Python and SQL need no extra.
    assert [f.line for f in lint_paths([tmp_path / "app.py"]).findings] == [1]


@pytest.mark.usefixtures("without_extra")
def test_missing_extra_on_the_cli_exits_2_in_one_sentence() -> None:
    from schemaguard.cli.lint import standalone_app

    r = CliRunner().invoke(standalone_app(), ["lint", str(APP / "server.js")])
    assert r.exit_code == 2
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "pip install 'schemaguard[js]'" in lines[0], r.stderr
    assert "Traceback" not in r.stderr and r.stdout == ""


def test_cli_json_on_the_app_folder() -> None:
    from schemaguard.cli.lint import standalone_app

    r = CliRunner().invoke(standalone_app(), ["lint", str(APP), "--format", "json"])
    assert r.exit_code == 1, r.stderr
    doc = json.loads(r.stdout)
    assert doc["summary"] == {"error": 9, "warning": 10, "info": 0}
    assert {Path(f).name for f in doc["files"]} == {p.name for p in APP.iterdir()}
    first = next(f for f in doc["findings"] if f["file"].endswith("server.js"))
    assert (first["code"], first["kind"], first["line"], first["severity"]) == ("SG314", "force_reset", 12, "error")
    r = CliRunner().invoke(standalone_app(), ["lint", str(APP), "--fail-on", "error", "-f", "github"])
    assert r.exit_code == 1 and "::warning file=" in r.stdout and "title=SG314 force_reset" in r.stdout

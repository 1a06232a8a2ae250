"""Configuration: schemaguard.toml / [tool.schemaguard] found upward from the working directory,
paths relative to the config file, ignore entries, fail_on, DATABASE_URL precedence, and every
malformed config refused with exit 2 and one sentence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cli_helpers import assert_one_sentence, create_db, sg, write_models

from schemaguard.cli.config import Config, find_config, load_config
from schemaguard.errors import ConfigError

EXTRA_TABLES = (
    "CREATE TABLE audit_log (id INTEGER PRIMARY KEY)",
    "CREATE TABLE audit_archive (id INTEGER PRIMARY KEY)",
    "CREATE TABLE legacy_stuff (id INTEGER PRIMARY KEY)",
)


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """repo/ holds models.py and app.db (three extra tables: warnings); cwd is repo/src/deep."""
    repo = tmp_path / "repo"
    models = write_models(repo)
    create_db(f"sqlite:///{repo / 'app.db'}", models, *EXTRA_TABLES)
    deep = repo / "src" / "deep"
    deep.mkdir(parents=True)
    monkeypatch.chdir(deep)
    monkeypatch.delenv("DATABASE_URL", raising=False)
    return repo


def tables_of(stdout: str) -> list[str]:
    return sorted(f["table"] for f in json.loads(stdout)["findings"])


# --------------------------------------------------------------------------------------------
# discovery


def test_schemaguard_toml_found_upward(tree: Path) -> None:
    # Relative models path and sqlite path are relative to the config file, not to the cwd.
    (tree / "schemaguard.toml").write_text('models = ["models.py:Base"]\ndatabase_url = "sqlite:///app.db"\n')
    r = sg("check", "--format", "json")
    assert r.exit_code == 1, r.output
    assert tables_of(r.stdout) == ["audit_archive", "audit_log", "legacy_stuff"]
    assert find_config() == tree / "schemaguard.toml"


def test_pyproject_tool_section_found_upward(tree: Path) -> None:
    (tree / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.schemaguard]\nmodels = "models.py:Base"\n'
        'database_url = "sqlite:///app.db"\nfail_on = "error"\n'
    )
    r = sg("check", "--format", "json")
    assert r.exit_code == 0, r.output  # fail_on = error and there are only warnings
    assert len(tables_of(r.stdout)) == 3
    assert find_config() == tree / "pyproject.toml"


def test_pyproject_without_tool_section_is_skipped(tree: Path) -> None:
    (tree / "schemaguard.toml").write_text('models = ["models.py:Base"]\ndatabase_url = "sqlite:///app.db"\n')
    (tree / "src" / "pyproject.toml").write_text('[project]\nname = "inner"\n\n[tool.black]\nline-length = 99\n')
    assert find_config() == tree / "schemaguard.toml"
    r = sg("check", "--format", "json")
    assert r.exit_code == 1, r.output


def test_nearest_config_wins_and_schemaguard_toml_before_pyproject(tree: Path) -> None:
    (tree / "schemaguard.toml").write_text('models = "models.py:Base"\ndatabase_url = "sqlite:///app.db"\n')
    (tree / "pyproject.toml").write_text('[tool.schemaguard]\nmodels = "nope.py:Base"\n')
    assert find_config() == tree / "schemaguard.toml"
    (tree / "src" / "schemaguard.toml").write_text(
        'models = "../models.py:Base"\ndatabase_url = "sqlite:///../app.db"\nfail_on = "never"\n'
    )
    assert find_config() == tree / "src" / "schemaguard.toml"
    r = sg("check", "--format", "json")
    assert r.exit_code == 0, r.output
    assert len(tables_of(r.stdout)) == 3


def test_explicit_config_path(tree: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "elsewhere" / "ci.toml"
    cfg.parent.mkdir()
    cfg.write_text(f'models = "{tree / "models.py"}:Base"\ndatabase_url = "sqlite:///{tree / "app.db"}"\n')
    r = sg("check", "--config", str(cfg), "--format", "json")
    assert r.exit_code == 1, r.output
    assert len(tables_of(r.stdout)) == 3


def test_no_config_anywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert find_config() is None
    assert load_config() == Config()


# --------------------------------------------------------------------------------------------
# ignore and fail_on


def test_ignore_by_kind_and_table_glob(tree: Path) -> None:
    (tree / "schemaguard.toml").write_text(
        'models = "models.py:Base"\ndatabase_url = "sqlite:///app.db"\n\n'
        '[[ignore]]\nkind = "table_extra"\ntable = "audit_*"\n'
    )
    r = sg("check", "--format", "json")
    assert r.exit_code == 1, r.output
    assert tables_of(r.stdout) == ["legacy_stuff"]
    assert json.loads(r.stdout)["summary"]["warning"] == 1


def test_ignore_everything_extra_gives_exit_0(tree: Path) -> None:
    (tree / "schemaguard.toml").write_text(
        'models = "models.py:Base"\ndatabase_url = "sqlite:///app.db"\n'
        'ignore = [{kind = "table_extra", table = "audit_*"}, {kind = "table_extra", table = "legacy_*"}]\n'
    )
    r = sg("check", "--format", "json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["findings"] == []


def test_ignore_of_another_kind_does_not_suppress(tree: Path) -> None:
    (tree / "schemaguard.toml").write_text(
        'models = "models.py:Base"\ndatabase_url = "sqlite:///app.db"\n'
        'ignore = [{kind = "column_extra", table = "*"}]\n'
    )
    r = sg("check", "--format", "json")
    assert r.exit_code == 1
    assert len(tables_of(r.stdout)) == 3


def test_ignore_by_code(tree: Path) -> None:
    r = sg("check", "--models", f"{tree / 'models.py'}:Base", "--db", f"sqlite:///{tree / 'app.db'}", "--format", "json")
    code = json.loads(r.stdout)["findings"][0]["code"]
    (tree / "schemaguard.toml").write_text(
        f'models = "models.py:Base"\ndatabase_url = "sqlite:///app.db"\nignore = [{{code = "{code}"}}]\n'
    )
    r = sg("check", "--format", "json")
    assert r.exit_code == 0, r.output


def test_fail_on_from_config_and_cli_override(tree: Path) -> None:
    (tree / "schemaguard.toml").write_text(
        'models = "models.py:Base"\ndatabase_url = "sqlite:///app.db"\nfail_on = "error"\n'
    )
    assert sg("check").exit_code == 0
    assert sg("check", "--fail-on", "warning").exit_code == 1
    (tree / "schemaguard.toml").write_text(
        'models = "models.py:Base"\ndatabase_url = "sqlite:///app.db"\nfail_on = "never"\n'
    )
    assert sg("check").exit_code == 0
    (tree / "schemaguard.toml").write_text(
        'models = "models.py:Base"\ndatabase_url = "sqlite:///app.db"\nfail_on = "info"\n'
    )
    assert sg("check").exit_code == 1


def test_include_exclude_from_config(tree: Path) -> None:
    (tree / "schemaguard.toml").write_text(
        'models = "models.py:Base"\ndatabase_url = "sqlite:///app.db"\nexclude = ["audit_*"]\n'
    )
    r = sg("check", "--format", "json")
    assert tables_of(r.stdout) == ["legacy_stuff"]


# --------------------------------------------------------------------------------------------
# where the database URL comes from


def test_database_url_env_beats_config(tree: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "schemaguard.toml").write_text(f'models = "models.py:Base"\ndatabase_url = "sqlite:///{tmp_path / "gone.db"}"\n')
    assert sg("check").exit_code == 3  # the config's database does not exist
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tree / 'app.db'}")
    r = sg("check", "--format", "json")
    assert r.exit_code == 1, r.output
    assert json.loads(r.stdout)["database"] == f"sqlite:///{tree / 'app.db'}"
    # --db beats both.
    r = sg("check", "--db", f"sqlite:///{tmp_path / 'also-gone.db'}")
    assert r.exit_code == 3
    assert "also-gone.db" in r.stderr


def test_database_url_env_key(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tree / "schemaguard.toml").write_text('models = "models.py:Base"\ndatabase_url_env = "APP_DB"\n')
    monkeypatch.setenv("APP_DB", f"sqlite:///{tree / 'app.db'}")
    r = sg("check", "--format", "json")
    assert r.exit_code == 1, r.output


def test_config_with_models_but_no_database(tree: Path) -> None:
    (tree / "schemaguard.toml").write_text('models = "models.py:Base"\n')
    r = sg("check")
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "no database given")


# --------------------------------------------------------------------------------------------
# malformed configuration: exit 2, one sentence naming the file


@pytest.mark.parametrize(
    "text, needles",
    [
        ('models = "models.py:Base"\nthis is not toml\n', ["is not valid TOML", "schemaguard.toml"]),
        ('models = ["models.py:Base"\n', ["is not valid TOML"]),
        ('models = "models.py:Base"\nfail_onn = "error"\n', ["unknown key", "fail_onn"]),
        ('models = "models.py:Base"\nfail_on = "critical"\n', ["fail_on", "critical"]),
        ("models = 42\n", ["models must be"]),
        ('models = "m.py:Base"\nignore = [{kind = "table_extra", tabel = "x"}]\n', ["ignore entry 1"]),
        ('models = "m.py:Base"\nexclude = "audit_*"\n', ["exclude must be"]),
    ],
    ids=["garbage", "unclosed", "unknown-key", "bad-fail-on", "models-type", "ignore-key", "exclude-type"],
)
def test_malformed_config(tree: Path, text: str, needles: list[str]) -> None:
    (tree / "schemaguard.toml").write_text(text)
    r = sg("check", "--db", f"sqlite:///{tree / 'app.db'}")
    assert r.exit_code == 2, r.output
    assert r.stdout == ""
    assert_one_sentence(r.stderr, "config file", *needles)
    with pytest.raises(ConfigError):
        load_config()


def test_unknown_key_in_pyproject_section(tree: Path) -> None:
    (tree / "pyproject.toml").write_text('[tool.schemaguard]\nmodels = "models.py:Base"\ndatabse_url = "x"\n')
    r = sg("check")
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "pyproject.toml", "unknown key", "databse_url")


def test_malformed_explicit_config_even_when_options_are_given(tree: Path) -> None:
    (tree / "bad.toml").write_text("[[[\n")
    r = sg(
        "check", "--config", str(tree / "bad.toml"),
        "--models", f"{tree / 'models.py'}:Base", "--db", f"sqlite:///{tree / 'app.db'}",
    )
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "bad.toml", "not valid TOML")


def test_config_that_is_not_utf8(tree: Path) -> None:
    (tree / "schemaguard.toml").write_bytes(b'models = "\xff\xfe"\n')
    r = sg("check", "--db", f"sqlite:///{tree / 'app.db'}")
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "schemaguard.toml")


def test_config_that_is_a_directory(tree: Path) -> None:
    (tree / "cfgdir").mkdir()
    r = sg("check", "--config", str(tree / "cfgdir"), "--db", f"sqlite:///{tree / 'app.db'}")
    assert r.exit_code == 2
    assert_one_sentence(r.stderr, "cfgdir", "is a directory")


def test_ignore_entry_with_unknown_kind_is_a_config_error(tmp_path: Path) -> None:
    from schemaguard.cli.config import load_config
    from schemaguard.errors import ConfigError

    cfg = tmp_path / "schemaguard.toml"
    cfg.write_text('[[ignore]]\nkind = "table_extar"\ntable = "legacy_*"\n')
    with pytest.raises(ConfigError, match="unknown kind or code 'table_extar'"):
        load_config(cfg)
    cfg.write_text('[[ignore]]\nkind = "foreign_key_*"\n\n[[ignore]]\ncode = "SG110"\n')
    assert [i.kind for i in load_config(cfg).ignore] == ["foreign_key_*", "SG110"]


# --------------------------------------------------------------------------------------------
# per-environment sections: [environments.<name>] / [tool.schemaguard.environments.<name>]

ENVIRONMENTS_TOML = """\
models = "models.py:Base"
database_url = "sqlite:///app.db"
fail_on = "warning"
include = ["*"]
ignore = [{kind = "table_extra", table = "audit_*"}]

[environments.staging]
database_url_env = "STAGING_DATABASE_URL"
database_url = "sqlite:///staging.db"
fail_on = "error"
schema = "app"
include = ["users", "posts"]
exclude = ["legacy_*"]
models = ["other/models.py:Base", "myapp.models:Base"]
ignore = [{kind = "index_extra"}, {code = "SG102", table = "legacy_*"}]

[environments.Production]
fail_on = "info"

[environments.nobody-uses-this]
fail_on = "never"
"""


def test_environment_section_overrides_top_level(tree: Path) -> None:
    cfg_path = tree / "schemaguard.toml"
    cfg_path.write_text(ENVIRONMENTS_TOML)
    top = load_config(cfg_path)
    staging = load_config(cfg_path, environment="staging")
    assert top.environment is None and staging.environment == "staging"
    assert (top.fail_on, top.schema, top.database_url_env) == ("warning", None, None)
    assert (staging.fail_on, staging.schema, staging.database_url_env) == ("error", "app", "STAGING_DATABASE_URL")
    # Paths in a section are relative to the config file, like the top level's.
    assert staging.database_url == f"sqlite:///{tree / 'staging.db'}"
    assert staging.models == [f"{tree / 'other/models.py'}:Base", "myapp.models:Base"]
    assert (staging.include, staging.exclude) == (["users", "posts"], ["legacy_*"])
    # ignore is added to the top-level entries, never replacing them.
    assert [(i.kind, i.table) for i in staging.ignore] == [
        ("table_extra", "audit_*"), ("index_extra", None), ("SG102", "legacy_*")
    ]
    # The top level is untouched by applying a section.
    assert load_config(cfg_path) == top and [i.kind for i in top.ignore] == ["table_extra"]
    assert top.for_environment("staging") == staging


def test_keys_a_section_does_not_give_keep_the_top_level_value(tree: Path) -> None:
    cfg_path = tree / "schemaguard.toml"
    cfg_path.write_text(ENVIRONMENTS_TOML)
    prod = load_config(cfg_path, environment="production")
    top = load_config(cfg_path)
    assert prod.environment == "production"
    assert prod.fail_on == "info"
    assert (prod.models, prod.database_url, prod.include, prod.ignore) == (
        top.models, top.database_url, top.include, top.ignore
    )


@pytest.mark.parametrize("name", ["development", "qa", "", None])
def test_environment_without_a_section_gets_the_top_level(tree: Path, name: str | None) -> None:
    cfg_path = tree / "schemaguard.toml"
    cfg_path.write_text(ENVIRONMENTS_TOML)
    assert load_config(cfg_path, environment=name) == load_config(cfg_path)


def test_environment_names_ignore_case_as_the_guard_does(tree: Path) -> None:
    from schemaguard.apply.guard import environment

    cfg_path = tree / "schemaguard.toml"
    cfg_path.write_text(ENVIRONMENTS_TOML)
    # [environments.Production] is production's section; so is an unset environment (fail closed).
    unset = environment(None, {})
    assert load_config(cfg_path, environment=unset.name).fail_on == "info"
    named = environment(None, {"APP_ENV": "STAGING"})
    assert load_config(cfg_path, environment=named.name).fail_on == "error"
    assert load_config(cfg_path, environment="Staging").environment == "staging"


def test_environment_section_in_pyproject(tree: Path) -> None:
    (tree / "pyproject.toml").write_text(
        '[project]\nname = "app"\n\n[tool.schemaguard]\nmodels = "models.py:Base"\nfail_on = "warning"\n\n'
        '[tool.schemaguard.environments.ci]\nfail_on = "error"\ndatabase_url = "sqlite:///app.db"\n'
    )
    cfg = load_config(environment="ci")  # found upward from repo/src/deep
    assert cfg.path == tree / "pyproject.toml"
    assert (cfg.fail_on, cfg.database_url) == ("error", f"sqlite:///{tree / 'app.db'}")
    assert load_config().fail_on == "warning"


def test_environment_section_end_to_end_with_check(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import schemaguard

    (tree / "schemaguard.toml").write_text(
        'models = "models.py:Base"\ndatabase_url = "sqlite:///nowhere.db"\n\n'
        '[environments.ci]\ndatabase_url = "sqlite:///app.db"\nfail_on = "never"\n'
        'ignore = [{kind = "table_extra", table = "audit_*"}]\n'
    )
    cfg = load_config(environment="ci")
    url = cfg.resolve_database_url()
    assert url == f"sqlite:///{tree / 'app.db'}"
    result = schemaguard.check(url, cfg.models, ignore=cfg.ignore)
    assert [f.table for f in result.findings] == ["legacy_stuff"]
    assert not result.fails(cfg.fail_on or "warning")
    # The environment's own variable still beats its database_url, as at the top level.
    monkeypatch.setenv("DATABASE_URL", "sqlite:///from-the-environment.db")
    assert cfg.resolve_database_url() == "sqlite:///from-the-environment.db"


@pytest.mark.parametrize(
    "section, needles",
    [
        ('[environments.staging]\nfail_onn = "error"\n', ["'staging'", "unknown key", "fail_onn"]),
        ('[environments.staging]\nfail_on = "critical"\n', ["'staging'", "fail_on", "critical"]),
        ('[environments.staging]\nignore = [{kind = "table_extar"}]\n', ["'staging'", "ignore entry 1", "table_extar"]),
        ('[environments.staging]\nignore = [{kind = "table_extra", tabel = "x"}]\n', ["'staging'", "ignore entry 1"]),
        ('[environments.staging]\nmodels = 42\n', ["'staging'", "models must be"]),
        ('[environments.staging]\nexclude = "audit_*"\n', ["'staging'", "exclude must be"]),
        ('[environments.staging]\ndatabase_url = 5\n', ["'staging'", "database_url must be a string"]),
        ('[environments.staging.environments.inner]\nfail_on = "error"\n', ["'staging'", "unknown key", "environments"]),
        ('[environments]\nstaging = "error"\n', ["environments.staging must be a table"]),
        ('environments = ["staging"]\n', ["environments must be a table"]),
        ('[environments.staging]\nfail_on = "error"\n[environments.STAGING]\nfail_on = "info"\n',
         ["'staging'", "two sections"]),
    ],
    ids=["unknown-key", "bad-fail-on", "unknown-ignore-kind", "ignore-key", "models-type", "exclude-type",
         "url-type", "nested", "not-a-table", "not-tables", "duplicate-case"],
)
def test_malformed_environment_section(tree: Path, section: str, needles: list[str]) -> None:
    cfg_path = tree / "schemaguard.toml"
    cfg_path.write_text('models = "models.py:Base"\n' + section)
    # Validated whichever environment is selected: a typo in staging's section fails everywhere.
    for name in (None, "staging", "development"):
        with pytest.raises(ConfigError) as info:
            load_config(cfg_path, environment=name)
        text = str(info.value)
        assert str(cfg_path) in text
        for needle in needles:
            assert needle in text, (needle, text)
    # Through the CLI: exit 2 and one sentence, as for the top level.
    r = sg("check", "--db", f"sqlite:///{tree / 'app.db'}")
    assert r.exit_code == 2, r.output
    assert_one_sentence(r.stderr, "schemaguard.toml", *needles)

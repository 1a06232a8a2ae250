"""Configuration: `schemaguard.toml`, else `[tool.schemaguard]` in `pyproject.toml`, searched upward.

Per-environment settings live in `[environments.<name>]` (schemaguard.toml) or
`[tool.schemaguard.environments.<name>]` (pyproject.toml)::

    models = "app/models.py:Base"
    fail_on = "warning"
    ignore = [{kind = "table_extra", table = "audit_*"}]

    [lint]
    dialects = ["postgresql", "sqlite"]   # the databases `lint` reads migrations for

    [environments.staging]
    database_url_env = "STAGING_DATABASE_URL"
    fail_on = "error"
    ignore = [{kind = "index_extra"}]

`load_config(path, environment="staging")` (or `Config.for_environment("staging")`) applies the
section named like the environment:

- every key given in the section replaces the top-level value (`models`, `database_url`,
  `database_url_env`, `schema`, `fail_on`, `include`, `exclude`, `include_bookkeeping`, `compare_comments`,
  `format`, `lock_wait`, `lint`, `cache_dir`, `cache_env`);
  keys it does not give keep the top-level value;
- `ignore` is the exception: its entries are added to the top-level ones (a shared ignore list
  stays shared);
- names are compared without regard to case (the guard lower-cases environment names); an
  environment with no section gets the top-level settings, and a section for an environment
  nobody uses is fine;
- every section is validated when the file is loaded, whichever environment is selected, exactly
  like the top level: an unknown key, a bad `fail_on` or an unknown ignore kind is a ConfigError
  (exit 2) naming the file, the environment and the key. Relative paths in a section are relative
  to the config file, as at the top level.
"""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from ..errors import ConfigError, UsageError
from ..rules.findings import FAIL_ON, IgnoreRule

_KNOWN = {
    "models",
    "database_url",
    "database_url_env",
    "schema",
    "fail_on",
    "ignore",
    "include",
    "exclude",
    "include_bookkeeping",
    "compare_comments",
    "environments",
    "format",
    "lock_wait",
    "lint",
    "cache_dir",
    "cache_env",
}
# Keys of the [lint] table (`lint.dialects`).
_LINT_KNOWN = {"dialects"}


@dataclass
class Config:
    path: Path | None = None
    models: list[str] = field(default_factory=list)
    database_url: str | None = None
    database_url_env: str | None = None
    schema: str | None = None
    fail_on: str | None = None
    ignore: list[IgnoreRule] = field(default_factory=list)
    include: list[str] = field(default_factory=list)
    exclude: list[str] = field(default_factory=list)
    include_bookkeeping: bool = False
    # Column comments are compared (and differences reported as notes) only when asked for.
    compare_comments: bool = False
    # How long `sync` waits for the database-wide sync lock (--lock-wait), e.g. "60s".
    lock_wait: str | None = None
    # The validated [environments.<name>] sections as written, by lower-cased name.
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)
    # The environment whose section was applied (None: the top-level settings only).
    environment: str | None = None
    # [lint] dialects: the databases `lint` reads migrations for when --dialect is not given.
    lint_dialects: list[str] = field(default_factory=list)
    # The models cache's folder (absolute; None: .schemaguard_cache beside this file) and the
    # environment variables whose values its key includes (models that read them at import).
    cache_dir: str | None = None
    cache_env: list[str] = field(default_factory=list)

    def for_environment(self, name: str | None) -> Config:
        """These settings with the section of environment `name` applied (see the module's
        docstring). No name, or an environment without a section, gives the top-level settings."""
        if name is None:
            return self
        key = name.strip().lower()
        section = self.environments.get(key)
        if section is None or self.path is None:
            return self
        values = _values(section, self.path, where=_where_env(self.path, key))
        extra_ignores = values.pop("ignore", [])
        return replace(self, **values, ignore=[*self.ignore, *extra_ignores], environment=key)

    def resolve_database_url(self) -> str | None:
        """`DATABASE_URL` (or the configured variable), then `database_url` from the file."""
        var = self.database_url_env or "DATABASE_URL"
        value = os.environ.get(var)
        if value:
            return value
        if self.database_url_env and os.environ.get("DATABASE_URL"):
            return os.environ["DATABASE_URL"]
        return self.database_url


def find_config(start: Path | None = None) -> Path | None:
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        candidate = folder / "schemaguard.toml"
        if candidate.is_file():
            return candidate
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and _has_tool_section(pyproject):
            return pyproject
    return None


def _has_tool_section(path: Path) -> bool:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
        return False
    return isinstance(data.get("tool"), dict) and "schemaguard" in data["tool"]


def load_config(path: str | Path | None = None, *, environment: str | None = None) -> Config:
    """Load the config file given, or the one found upward from the working directory; with
    `environment`, apply that environment's section (see the module's docstring).

    Raises ConfigError (exit 2) for a missing, unreadable or malformed file."""
    if path is not None:
        p = Path(path)
        if p.is_dir():
            raise ConfigError(f"config file {p} is a directory", hint="pass the path of a TOML file to --config")
        if not p.is_file():
            raise ConfigError(f"config file {p} does not exist", hint="check the path given to --config")
    else:
        found = find_config()
        if found is None:
            return Config()
        p = found
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ConfigError(f"cannot read config file {p}: {exc.strerror or exc}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"config file {p} is not valid TOML ({exc})", hint="fix the syntax") from exc
    if p.name == "pyproject.toml" or "tool" in data:
        section = data.get("tool", {}).get("schemaguard", {})
    else:
        section = data
    if not isinstance(section, dict):
        raise ConfigError(f"config file {p}: [tool.schemaguard] must be a table")
    return _parse(section, p).for_environment(environment)


# Keys an [environments.<name>] section may set: everything but environments themselves.
_ENV_KNOWN = _KNOWN - {"environments"}


def _where_env(path: Path, name: str) -> str:
    return f"config file {path}: environment {name!r}:"


def _parse(section: dict[str, Any], path: Path) -> Config:
    values = _values(section, path, where=f"config file {path}:")
    environments = _environments(section.get("environments", {}), path)
    values.setdefault("ignore", [])
    return Config(path=path, environments=environments, **values)


def _environments(raw: Any, path: Path) -> dict[str, dict[str, Any]]:
    """The [environments.<name>] sections by lower-cased name, each validated now (a typo in the
    production section must fail the developer's run too, not only production's)."""
    if not isinstance(raw, dict):
        raise ConfigError(
            f"config file {path}: environments must be a table of tables",
            hint="write [environments.staging] (or [tool.schemaguard.environments.staging]) sections",
        )
    out: dict[str, dict[str, Any]] = {}
    for name, section in raw.items():
        key = str(name).strip().lower()
        if not key:
            raise ConfigError(f"config file {path}: an environment section has an empty name")
        if not isinstance(section, dict):
            raise ConfigError(
                f"config file {path}: environments.{name} must be a table of settings",
                hint=f"write [environments.{name}] followed by the keys it overrides",
            )
        if key in out:
            raise ConfigError(
                f"config file {path}: environment {key!r} has two sections (names ignore case)",
                hint="merge them into one",
            )
        _values(section, path, where=_where_env(path, key), known=_ENV_KNOWN)
        out[key] = dict(section)
    return out


def _values(
    section: dict[str, Any], path: Path, *, where: str, known: set[str] = _KNOWN
) -> dict[str, Any]:
    """The Config fields a section gives, validated and resolved (paths relative to the config
    file); keys the section does not give are absent. `where` starts every error message."""
    unknown = sorted(set(section) - known)
    if unknown:
        raise ConfigError(
            f"{where} unknown key {unknown[0]!r}",
            hint="known keys are " + ", ".join(sorted(known)),
        )
    base = path.parent
    out: dict[str, Any] = {}
    if "models" in section:
        models = section["models"]
        if isinstance(models, str):
            models = [models]
        if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
            raise ConfigError(f"{where} models must be a string or a list of strings")
        out["models"] = [_relative_target(m, base) for m in models]
    if "fail_on" in section:
        fail_on = section["fail_on"]
        if fail_on not in FAIL_ON:
            raise ConfigError(f"{where} fail_on = {fail_on!r} is not one of {', '.join(FAIL_ON)}")
        out["fail_on"] = fail_on
    if "lock_wait" in section:
        from ..apply.lock import duration_ms

        value = section["lock_wait"]
        if not isinstance(value, str):
            raise ConfigError(f"{where} lock_wait must be a duration such as \"60s\", not {value!r}")
        try:
            duration_ms(value, "lock_wait")
        except UsageError as exc:
            raise ConfigError(f"{where} {exc.message}", hint=exc.hint) from None
        out["lock_wait"] = value
    for key in ("database_url", "database_url_env", "schema"):
        if key in section:
            value = section[key]
            if not isinstance(value, str):
                raise ConfigError(f"{where} {key} must be a string, not {value!r}")
            out[key] = _relative_sqlite(value, base) if key == "database_url" else value
    if "ignore" in section:
        entries = section["ignore"]
        if not isinstance(entries, list):
            raise ConfigError(f"{where} ignore must be a list of tables with kind/code, table, column")
        ignores = []
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not set(entry) <= {"kind", "code", "table", "column"}:
                raise ConfigError(
                    f"{where} ignore entry {i + 1} must be a table with kind/code, table, column"
                )
            _check_kind(entry.get("kind") or entry.get("code"), where, i + 1)
            ignores.append(
                IgnoreRule(kind=entry.get("kind") or entry.get("code"), table=entry.get("table"),
                           column=entry.get("column"))
            )
        out["ignore"] = ignores
    for key in ("include", "exclude"):
        if key in section:
            val = section[key]
            if not isinstance(val, list) or not all(isinstance(v, str) for v in val):
                raise ConfigError(f"{where} {key} must be a list of table-name patterns")
            out[key] = list(val)
    if "include_bookkeeping" in section:
        out["include_bookkeeping"] = bool(section["include_bookkeeping"])
    if "compare_comments" in section:
        if not isinstance(section["compare_comments"], bool):
            raise ConfigError(f"{where} compare_comments must be true or false")
        out["compare_comments"] = section["compare_comments"]
    if "cache_dir" in section:
        value = section["cache_dir"]
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{where} cache_dir must be a folder path, not {value!r}")
        out["cache_dir"] = str(base / value)
    if "cache_env" in section:
        names = section["cache_env"]
        if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
            raise ConfigError(
                f"{where} cache_env must be a list of environment variable names",
                hint='e.g. cache_env = ["APP_SCHEMA", "FEATURE_FLAGS"]',
            )
        out["cache_env"] = list(names)
    if "lint" in section:
        out.update(_lint_values(section["lint"], where))
    return out


def _lint_values(lint: Any, where: str) -> dict[str, Any]:
    """[lint] (or lint = {...}): `dialects`, a list of databases (or "all") that lint reads the
    migrations for, each branch of a revision's dialect tests on the databases it runs on."""
    from ..lint.operations import DIALECTS

    if not isinstance(lint, dict):
        raise ConfigError(f"{where} lint must be a table", hint='write [lint] with dialects = ["postgresql", "sqlite"]')
    unknown = sorted(set(lint) - _LINT_KNOWN)
    if unknown:
        raise ConfigError(f"{where} unknown key lint.{unknown[0]}", hint="known keys are lint.dialects")
    out: dict[str, Any] = {}
    if "dialects" in lint:
        dialects = lint["dialects"]
        if isinstance(dialects, str):
            dialects = [dialects]
        if not isinstance(dialects, list) or not dialects or not all(isinstance(d, str) for d in dialects):
            raise ConfigError(f"{where} lint.dialects must be a list of database names",
                              hint='e.g. lint.dialects = ["postgresql", "sqlite"], or "all"')
        for name in dialects:
            if name.strip().lower() not in (*DIALECTS, "all"):
                raise ConfigError(f"{where} lint.dialects names unknown database {name!r}",
                                  hint=f"use {', '.join(DIALECTS)} or all")
        out["lint_dialects"] = [d.strip().lower() for d in dialects]
    return out


def _check_kind(kind: Any, where: str, number: int) -> None:
    """An ignore entry's kind or code must name a rule (or be a glob such as foreign_key_*): a typo
    would otherwise silently ignore nothing."""
    import fnmatch

    from ..lint import rules as lint_rules
    from ..rules import BY_CODE, BY_KIND, REDIRECTS

    if kind is None:
        return
    # check's kinds and lint's (an ignore entry applies to whichever command reports the kind)
    known = [*BY_KIND, *BY_CODE, *REDIRECTS, *lint_rules.BY_KIND, *lint_rules.BY_CODE, *lint_rules.REDIRECTS]
    if not isinstance(kind, str) or not any(fnmatch.fnmatchcase(k, kind) for k in known):
        raise ConfigError(
            f"{where} ignore entry {number} names unknown kind or code {kind!r}",
            hint="use a finding kind such as table_extra or drop_column, a code such as SG102 or SG302, "
            "or a glob of them",
        )


def _relative_target(target: str, base: Path) -> str:
    """A `path/to/file.py:attr` or snapshot path in the config is relative to the config file."""
    if target.startswith("sequelize:"):
        rest = target[len("sequelize:") :]
        return "sequelize:" + str(base / rest) if not os.path.isabs(rest) else target
    module, sep, attr = target.rpartition(":")
    if sep and (module.endswith(".py") or "/" in module) and not os.path.isabs(module):
        return f"{base / module}:{attr}"
    if target.endswith(".json") and not os.path.isabs(target):
        return str(base / target)
    return target


def _relative_sqlite(url: Any, base: Path) -> str | None:
    if url is None:
        return None
    text = str(url)
    prefix = "sqlite:///"
    if text.startswith(prefix) and not text.startswith("sqlite:////") and text != prefix + ":memory:":
        return prefix + str(base / text[len(prefix) :])
    return text

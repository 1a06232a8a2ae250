"""Configuration: `schemaguard.toml`, else `[tool.schemaguard]` in `pyproject.toml`, searched upward."""

from __future__ import annotations

import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import ConfigError
from .findings import FAIL_ON, IgnoreRule

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
    "environments",
    "format",
}


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
    environments: dict[str, dict[str, Any]] = field(default_factory=dict)

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


def load_config(path: str | Path | None = None) -> Config:
    """Load the config file given, or the one found upward from the working directory."""
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
    return _parse(section, p)


def _parse(section: dict[str, Any], path: Path) -> Config:
    unknown = sorted(set(section) - _KNOWN)
    if unknown:
        raise ConfigError(
            f"config file {path}: unknown key {unknown[0]!r}",
            hint="known keys are " + ", ".join(sorted(_KNOWN)),
        )
    base = path.parent
    models = section.get("models", [])
    if isinstance(models, str):
        models = [models]
    if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
        raise ConfigError(f"config file {path}: models must be a string or a list of strings")
    fail_on = section.get("fail_on")
    if fail_on is not None and fail_on not in FAIL_ON:
        raise ConfigError(
            f"config file {path}: fail_on = {fail_on!r} is not one of {', '.join(FAIL_ON)}"
        )
    ignores = []
    for i, entry in enumerate(section.get("ignore", []) or []):
        if not isinstance(entry, dict) or not set(entry) <= {"kind", "code", "table", "column"}:
            raise ConfigError(
                f"config file {path}: ignore entry {i + 1} must be a table with kind/code, table, column"
            )
        _check_kind(entry.get("kind") or entry.get("code"), path, i + 1)
        ignores.append(
            IgnoreRule(kind=entry.get("kind") or entry.get("code"), table=entry.get("table"), column=entry.get("column"))
        )
    for key in ("include", "exclude"):
        val = section.get(key, [])
        if not isinstance(val, list) or not all(isinstance(v, str) for v in val):
            raise ConfigError(f"config file {path}: {key} must be a list of table-name patterns")
    return Config(
        path=path,
        models=[_relative_target(m, base) for m in models],
        database_url=_relative_sqlite(section.get("database_url"), base),
        database_url_env=section.get("database_url_env"),
        schema=section.get("schema"),
        fail_on=fail_on,
        ignore=ignores,
        include=list(section.get("include", [])),
        exclude=list(section.get("exclude", [])),
        include_bookkeeping=bool(section.get("include_bookkeeping", False)),
        environments=dict(section.get("environments", {})),
    )


def _check_kind(kind: Any, path: Path, number: int) -> None:
    """An ignore entry's kind or code must name a rule (or be a glob such as foreign_key_*): a typo
    would otherwise silently ignore nothing."""
    import fnmatch

    from .lint import rules as lint_rules
    from .rules import BY_CODE, BY_KIND, REDIRECTS

    if kind is None:
        return
    # check's kinds and lint's (an ignore entry applies to whichever command reports the kind)
    known = [*BY_KIND, *BY_CODE, *REDIRECTS, *lint_rules.BY_KIND, *lint_rules.BY_CODE, *lint_rules.REDIRECTS]
    if not isinstance(kind, str) or not any(fnmatch.fnmatchcase(k, kind) for k in known):
        raise ConfigError(
            f"config file {path}: ignore entry {number} names unknown kind or code {kind!r}",
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

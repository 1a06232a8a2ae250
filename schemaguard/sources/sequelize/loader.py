"""Sequelize models as a declared Schema: run the Node exporter, turn its JSON into a snapshot."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from importlib import resources
from pathlib import Path
from typing import Any

from ...dialects import dialect_named
from ...errors import ModelsError, UsageError
from ...schema.defaults import is_sequence_default
from ...schema.expressions import element_options
from ...schema.snapshot import Column, ForeignKey, Index, Schema, Source, Table, UniqueConstraint

PREFIX = "sequelize:"
EXPORT_FORMAT = 1
# Sequelize's dialect names for schemaguard's (SQLAlchemy's).
_SEQUELIZE_DIALECT = {"postgresql": "postgres", "sqlite": "sqlite", "mysql": "mysql", "mariadb": "mariadb"}
# Loading a models file should take a second or two; a file that waits on something never ends.
TIMEOUT_SECONDS = 120.0


class NodeError(Exception):
    """What Node reported, stack included: the cause of a ModelsError, shown only with --debug."""


def exporter_path() -> Path:
    """The Node exporter shipped inside the package."""
    return Path(str(resources.files("schemaguard.sources.sequelize").joinpath("export.js")))


def load_sequelize(target: str, dialect: str) -> Schema:
    """The declared Schema of a Node.js app's Sequelize models, for a SQL dialect.

    `target` is `sequelize:path/to/models/index.js` (or the bare path): a module exporting the
    Sequelize instance, sequelize-cli's `models/index.js` (an object holding `sequelize` and the
    models), or a function `(sequelize, DataTypes) => …` that defines the models on the instance
    it is given. `dialect` is the live database's: `postgresql`, `sqlite`, `mysql` or `mariadb`.
    The models are loaded by the `node` on PATH with the app's own `sequelize` package, and
    described by Sequelize's query generator for that dialect; nothing connects to a database.
    Raises UsageError when `node` is missing and ModelsError when the models cannot be loaded.
    """
    path = target[len(PREFIX) :] if target.startswith(PREFIX) else target
    entry = Path(path)
    if not entry.is_file():
        raise ModelsError(
            f"Sequelize models file {path} does not exist",
            hint="give the app's models entry point, as in sequelize:models/index.js",
        )
    data = export_models(entry, dialect)
    return schema_from_export(data, dialect, label=PREFIX + path)


def export_models(entry: Path, dialect: str) -> dict[str, Any]:
    """Run the exporter on a models entry file and return its JSON document."""
    node = shutil.which("node")
    if node is None:
        raise UsageError(
            "cannot load Sequelize models: node is not on PATH",
            hint="install Node.js (apt-get install -y nodejs npm, or from nodejs.org) and run again",
        )
    sequelize_dialect = _SEQUELIZE_DIALECT.get(dialect)
    if sequelize_dialect is None:
        raise UsageError(
            f"cannot describe Sequelize models for the {dialect} dialect",
            hint="check the models against a PostgreSQL, SQLite, MySQL or MariaDB database",
        )
    entry = entry.resolve()
    try:
        proc = subprocess.run(
            [node, str(exporter_path()), str(entry), sequelize_dialect],
            cwd=str(entry.parent),
            capture_output=True,
            text=True,
            timeout=TIMEOUT_SECONDS,
            env={**os.environ, "NODE_NO_WARNINGS": "1"},
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ModelsError(
            f"loading the Sequelize models in {entry.name} did not finish in {TIMEOUT_SECONDS:.0f} s",
            hint="make sure the models file defines the models without waiting on a database or a server",
        ) from exc
    except OSError as exc:
        raise UsageError(
            f"cannot run node ({node}): {exc.strerror or exc}", hint="check the Node.js installation"
        ) from exc
    try:
        data = json.loads(proc.stdout.strip().splitlines()[-1]) if proc.stdout.strip() else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        detail = (proc.stderr or proc.stdout).strip()
        first = detail.splitlines()[-1] if detail else f"exit status {proc.returncode}"
        raise ModelsError(
            f"the Sequelize exporter failed on {entry.name} ({first})",
            hint="run again with --debug for Node's output",
        ) from NodeError(detail or first)
    if "error" in data:
        raise _export_error(data["error"], entry, proc.stderr)
    if data.get("schemaguard_sequelize") != EXPORT_FORMAT:
        raise ModelsError(
            f"the Sequelize exporter wrote an unknown document for {entry.name}",
            hint="reinstall schemaguard",
        )
    return data


def _export_error(err: dict[str, Any], entry: Path, stderr: str) -> ModelsError:
    kind = str(err.get("kind") or "")
    message = str(err.get("message") or "").strip()
    cause = NodeError((err.get("stack") or message) + (f"\n{stderr.strip()}" if stderr.strip() else ""))
    first = message.splitlines()[0] if message else "an error"
    if kind == "sequelize_missing":
        exc = ModelsError(
            f"cannot find the app's sequelize package from {entry.parent}",
            hint=f"run npm install in the app's folder ({_app_root(entry)}) first",
        )
    elif kind == "driver_missing":
        package = str(err.get("package") or "the driver")
        exc = ModelsError(
            f"the app's models create a Sequelize instance that needs the {package} package, "
            f"which is not installed in {_app_root(entry)}",
            hint=f"run npm install {package} in the app's folder ({_app_root(entry)}): the app needs "
            "it to reach its database (schemaguard itself does not connect through it)",
        )
    elif kind in ("sequelize_broken", "sequelize_unsupported", "dialect"):
        exc = ModelsError(first, hint="install a supported Sequelize (npm install sequelize@6) in the app")
    elif kind == "bad_shape":
        exc = ModelsError(
            first,
            hint="export the Sequelize instance, an object holding `sequelize` (sequelize-cli's "
            "models/index.js), or a function (sequelize, DataTypes) => { … } that defines the models",
        )
    elif kind == "entry_missing":
        exc = ModelsError(first, hint="check the path after sequelize:")
    else:
        exc = ModelsError(
            f"loading the Sequelize models in {entry.name} threw {first}",
            hint="fix the error in the models, or run with --debug for Node's stack",
        )
    exc.__cause__ = cause
    return exc


def _app_root(entry: Path) -> Path:
    for parent in entry.parents:
        if (parent / "package.json").is_file():
            return parent
    return entry.parent


# --- JSON -> Schema -----------------------------------------------------------------------------


def schema_from_export(data: dict[str, Any], dialect: str, *, label: str = "") -> Schema:
    """The declared Schema of an exporter document (see export.js for its shape)."""
    sa_dialect = _sqlalchemy_dialect(dialect)
    tables = [_table(m, dialect, sa_dialect) for m in data.get("models", ())]
    return Schema(
        dialect=dialect,
        tables=tuple(sorted(tables, key=lambda t: t.name)),
        origin="declared",
        schema=_single_schema(tables),
        label=label,
        flavor="sequelize",
    )


def _single_schema(tables: list[Table]) -> str | None:
    names = {t.schema for t in tables}
    return next(iter(names)) if len(names) == 1 else None


def _sqlalchemy_dialect(dialect: str) -> Any:
    from ...dialects import sqlalchemy_dialect

    return sqlalchemy_dialect(dialect)


def _source(file: Any, line: Any) -> Source | None:
    if not file:
        return None
    path = str(file)
    try:
        rel = os.path.relpath(path)
        path = path if rel.startswith("..") else rel
    except ValueError:
        pass
    return Source(path, int(line) if isinstance(line, int) else None)


def canonical_sequelize_type(type_info: dict[str, Any], dialect: str, sa_dialect: Any) -> str | None:
    """Canonical type text (schemaguard.schema.types) of a type Sequelize rendered for a dialect."""
    key = type_info.get("key")
    values = type_info.get("values")
    sql = type_info.get("sql")
    ours = dialect_named(dialect)
    if key == "ENUM" and values is not None and ours.sequelize_enum_is_native():
        # Sequelize creates a native enum type (enum_<table>_<column>) holding these values.
        return "ENUM(" + ", ".join("'" + str(v).replace("'", "''") + "'" for v in values) + ")"
    if not sql:
        return None
    # As the database's inspector would read the name back (SQLite: its affinity).
    return ours.canonical_text(ours.type_as_reflected(str(sql), sa_dialect))


def _table(model: dict[str, Any], dialect: str, sa_dialect: Any) -> Table:
    file = model.get("file")
    table_source = _source(file, model.get("line"))
    attrs = list(model.get("attributes", ()))
    pk = tuple(str(f) for f in model.get("primaryKey", ()))
    columns: list[Column] = []
    uniques: list[UniqueConstraint] = []
    fks: list[ForeignKey] = []
    field_of = {str(a["name"]): str(a["field"]) for a in attrs}
    for a in attrs:
        field = str(a["field"])
        type_text = canonical_sequelize_type(a.get("type") or {}, dialect, sa_dialect)
        source = _source(file, a.get("line")) or table_source
        default = _default(a.get("default"), type_text, dialect)
        columns.append(
            Column(
                name=field,
                type=type_text,
                nullable=bool(a.get("allowNull", True)) and not a.get("primaryKey"),
                default=default,
                autoincrement=_autoincrement(a, pk, dialect, type_text),
                key=str(a["name"]) if a["name"] != field else None,
                source=source,
            )
        )
        if a.get("unique") is True:
            uniques.append(UniqueConstraint(name=None, columns=(field,), source=source))
        ref = a.get("references")
        if ref:
            fks.append(
                ForeignKey(
                    name=None,
                    columns=(field,),
                    ref_table=str(ref["model"]),
                    ref_columns=(str(ref.get("key") or "id"),),
                    ref_schema=ref.get("schema"),
                    ondelete=_action(a.get("onDelete"), dialect),
                    onupdate=_action(a.get("onUpdate"), dialect),
                    source=source,
                )
            )
    # unique: 'name' on several attributes is one composite constraint; unique: true is the
    # column's own (already added above).
    for uk in model.get("uniqueKeys", ()):
        fields = tuple(field_of.get(str(f), str(f)) for f in uk.get("fields", ()))
        if not fields or any(u.columns == fields for u in uniques):
            continue
        uniques.append(UniqueConstraint(name=str(uk.get("name")) or None, columns=fields, source=table_source))
    indexes: list[Index] = []
    for idx in model.get("indexes", ()):
        # Sequelize 6 writes index fields into CREATE INDEX as given: they are column names.
        raw_fields = list(idx.get("fields", ()))
        fields = tuple(str(f) for f in raw_fields if f is not None)
        if not fields:
            continue
        orders, collations = list(idx.get("orders") or ()), list(idx.get("collations") or ())
        options = tuple(
            element_options(
                descending=str(orders[i] or "").upper().startswith("DESC") if i < len(orders) else False,
                collation=(collations[i] or None) if i < len(collations) else None,
            )
            for i, f in enumerate(raw_fields)
            if f is not None
        )
        indexes.append(
            Index(
                name=idx.get("name"),
                columns=fields,
                unique=bool(idx.get("unique")),
                source=table_source,
                options=options if any(options) else (),
            )
        )
    return Table(
        name=str(model["table"]),
        columns=tuple(columns),
        primary_key=pk,
        indexes=tuple(sorted(indexes, key=lambda i: str(i.name))),
        uniques=tuple(sorted(uniques, key=lambda u: u.columns)),
        foreign_keys=tuple(sorted(fks, key=lambda f: f.columns)),
        model=str(model.get("name")) if model.get("name") else None,
        source=table_source,
        schema=model.get("schema"),
    )


def _action(value: Any, dialect: str) -> str:
    # As declared.py and the live side: in the database's own spelling (InnoDB's RESTRICT is NO ACTION).
    return dialect_named(dialect).fk_action(str(value).upper().replace("_", " ") if value else "NO ACTION")


def _default(info: Any, type_text: str | None, dialect: str) -> str | None:
    # NOW, UUIDV1/4 and JavaScript functions are applied by Sequelize on insert: the column itself
    # has no default, and that is what the database holds after sync.
    if not isinstance(info, dict) or info.get("kind") != "sql" or info.get("sql") is None:
        return None
    text = str(info["sql"])
    if is_sequence_default(text):
        return None
    # Folded as declared.py and the live side fold it (MySQL's escape writes 'it\\'s').
    return dialect_named(dialect).normalize_default(text, type_text)


def _autoincrement(attr: dict[str, Any], pk: tuple[str, ...], dialect: str, type_text: str | None) -> bool:
    if dialect_named(dialect).rowid_autoincrement:
        # As declared.py: a lone INTEGER PRIMARY KEY is the auto-numbered rowid.
        return len(pk) == 1 and pk[0] == attr["field"] and type_text == "INTEGER"
    return bool(attr.get("autoIncrement")) and bool(attr.get("primaryKey") or attr.get("autoIncrement"))

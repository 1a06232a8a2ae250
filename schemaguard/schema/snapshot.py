"""The normalized, frozen picture of a schema that both the declared and the live side become."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

SNAPSHOT_FORMAT = 1


@dataclass(frozen=True, slots=True)
class Source:
    """Where a declared object is defined: a file and a 1-based line."""

    file: str
    line: int | None = None


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    # Canonical type text for the snapshot's dialect (see schemaguard.schema.types); None when unknown.
    type: str | None
    nullable: bool
    # Normalized server default (see schemaguard.schema.defaults); None when there is none.
    default: str | None = None
    autoincrement: bool = False
    # The attribute name in the model when it differs from the column name (declared side only).
    key: str | None = None
    renamed_from: str | None = None
    source: Source | None = None
    # "always" or "by default" for an identity column (GENERATED ... AS IDENTITY); None otherwise,
    # a serial column included (its sequence shows as autoincrement).
    identity: str | None = None
    # The normalized expression of a generated (computed) column; None for a plain column.
    generated: str | None = None
    # The column's comment; compared only when asked for (config compare_comments).
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class Index:
    name: str | None
    # Column names, or normalized expression text for expression indexes.
    columns: tuple[str, ...]
    unique: bool = False
    source: Source | None = None
    # Per element, what is not the default: "DESC", "NULLS FIRST", "COLLATE c", an operator class
    # ("text_pattern_ops"), space-separated in that fixed order (see schema.expressions); "" for an
    # element without any. Empty when no element has any, which is every index of most schemas.
    options: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class UniqueConstraint:
    name: str | None
    columns: tuple[str, ...]
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class ForeignKey:
    name: str | None
    columns: tuple[str, ...]
    # The target exactly as written: declared models may name it in the wrong case.
    ref_table: str
    ref_columns: tuple[str, ...]
    ref_schema: str | None = None
    ondelete: str = "NO ACTION"
    onupdate: str = "NO ACTION"
    source: Source | None = None

    @property
    def target(self) -> str:
        return f"{self.ref_table}.{','.join(self.ref_columns)}"


@dataclass(frozen=True, slots=True)
class Check:
    """A CHECK constraint: its expression as the side wrote it (the model's compiled text, the
    database's own print-back); compared by meaning through the Dialect's normalize_check."""

    name: str | None
    expression: str
    # Made by SQLAlchemy for a Boolean/Enum(create_constraint=True) on a database without the
    # native type: matched like any other, never reported missing.
    generated: bool = False
    source: Source | None = None


@dataclass(frozen=True, slots=True)
class Table:
    name: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()
    indexes: tuple[Index, ...] = ()
    uniques: tuple[UniqueConstraint, ...] = ()
    foreign_keys: tuple[ForeignKey, ...] = ()
    renamed_from: str | None = None
    # The model class name, when the table comes from a mapped class.
    model: str | None = None
    source: Source | None = None
    # The schema a declared table names explicitly (Table(..., schema="sales")); None otherwise.
    schema: str | None = None
    # The CHECK constraints; None where the side cannot tell (a Sequelize model declares none, a
    # snapshot written before CHECKs were compared holds none): not compared then.
    checks: tuple[Check, ...] | None = None

    # Columns by name, built on first use (the diff asks for columns by name many times per
    # table); left out of equality, hashing and the JSON form.
    _by_name: dict[str, Column] | None = field(default=None, init=False, repr=False, compare=False, hash=False)

    def column(self, name: str) -> Column | None:
        by_name = self._by_name
        if by_name is None:
            by_name = {}
            for col in self.columns:
                by_name.setdefault(col.name, col)
            object.__setattr__(self, "_by_name", by_name)
        return by_name.get(name)


@dataclass(frozen=True, slots=True)
class Schema:
    """A whole schema: what one side of a comparison holds."""

    dialect: str
    tables: tuple[Table, ...]
    # "declared" or "live": used in messages, never in the comparison itself.
    origin: str = "declared"
    # The database schema name (PostgreSQL), None for the connection's default.
    schema: str | None = None
    # A human-readable label of where this came from: a redacted URL, a models target, a file.
    label: str = ""
    # The kind of models the declared side came from: "sqlalchemy" (the default) or "sequelize".
    flavor: str = "sqlalchemy"
    # The connection's default schema (live side: "public" on PostgreSQL, "main" on SQLite).
    default_schema: str | None = None
    # Live side on MySQL/MariaDB: the server's lower_case_table_names (0: table names are
    # case-sensitive, 1: stored lowercase, 2: stored as written, compared lowercase); None elsewhere.
    lower_case_table_names: int | None = None
    # Live side on MySQL/MariaDB: the server's explicit_defaults_for_timestamp (False: the first
    # TIMESTAMP NOT NULL column gets DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP by
    # itself), and whether it records an index element's direction (MariaDB 10.8+, MySQL 8: older
    # servers take DESC and build the index ascending); None elsewhere.
    explicit_defaults_for_timestamp: bool | None = None
    index_directions: bool | None = None
    # Declared side: other, differing declarations of tables in `tables` (the same table declared
    # in several MetaData); the live table is compared against each.
    alternates: tuple[Table, ...] = ()

    def table(self, name: str) -> Table | None:
        for tbl in self.tables:
            if tbl.name == name:
                return tbl
        return None

    def with_tables(self, tables: Iterable[Table]) -> Schema:
        return replace(self, tables=tuple(tables))


# --- JSON round trip -------------------------------------------------------------------------
# Keys are written in a fixed order and empty/None values are kept, so that JSON -> Schema -> JSON
# is byte-identical and golden files diff cleanly.


def _source_to_json(src: Source | None) -> dict[str, Any] | None:
    return None if src is None else {"file": src.file, "line": src.line}


def _source_from_json(data: Any) -> Source | None:
    if not data:
        return None
    return Source(file=str(data["file"]), line=data.get("line"))


def _column_extras(c: Column) -> dict[str, Any]:
    # Written only when set: snapshots of schemas without them read and write as before.
    extras: dict[str, Any] = {}
    if c.identity is not None:
        extras["identity"] = c.identity
    if c.generated is not None:
        extras["generated"] = c.generated
    if c.comment is not None:
        extras["comment"] = c.comment
    return extras


def schema_to_dict(schema: Schema) -> dict[str, Any]:
    data = _schema_dict(schema)
    if schema.alternates:
        data["alternates"] = _schema_dict(schema.with_tables(schema.alternates))["tables"]
    return data


def _schema_dict(schema: Schema) -> dict[str, Any]:
    return {
        "schemaguard_snapshot": SNAPSHOT_FORMAT,
        "origin": schema.origin,
        "dialect": schema.dialect,
        "schema": schema.schema,
        "default_schema": schema.default_schema,
        "label": schema.label,
        "flavor": schema.flavor,
        # Written only where the server has the setting, so that other snapshots stay as they were.
        **({"lower_case_table_names": schema.lower_case_table_names}
           if schema.lower_case_table_names is not None else {}),
        **({"explicit_defaults_for_timestamp": schema.explicit_defaults_for_timestamp}
           if schema.explicit_defaults_for_timestamp is not None else {}),
        **({"index_directions": schema.index_directions} if schema.index_directions is not None else {}),
        "tables": [
            {
                "name": t.name,
                "schema": t.schema,
                "model": t.model,
                "renamed_from": t.renamed_from,
                "source": _source_to_json(t.source),
                "columns": [
                    {
                        "name": c.name,
                        "type": c.type,
                        "nullable": c.nullable,
                        "default": c.default,
                        "autoincrement": c.autoincrement,
                        "key": c.key,
                        "renamed_from": c.renamed_from,
                        "source": _source_to_json(c.source),
                        **_column_extras(c),
                    }
                    for c in t.columns
                ],
                "primary_key": list(t.primary_key),
                "indexes": [
                    {
                        "name": i.name,
                        "columns": list(i.columns),
                        "unique": i.unique,
                        "source": _source_to_json(i.source),
                        **({"options": list(i.options)} if i.options else {}),
                    }
                    for i in t.indexes
                ],
                "uniques": [
                    {"name": u.name, "columns": list(u.columns), "source": _source_to_json(u.source)}
                    for u in t.uniques
                ],
                "foreign_keys": [
                    {
                        "name": f.name,
                        "columns": list(f.columns),
                        "ref_schema": f.ref_schema,
                        "ref_table": f.ref_table,
                        "ref_columns": list(f.ref_columns),
                        "ondelete": f.ondelete,
                        "onupdate": f.onupdate,
                        "source": _source_to_json(f.source),
                    }
                    for f in t.foreign_keys
                ],
                "checks": None if t.checks is None else [
                    {
                        "name": k.name,
                        "expression": k.expression,
                        "generated": k.generated,
                        "source": _source_to_json(k.source),
                    }
                    for k in t.checks
                ],
            }
            for t in schema.tables
        ],
    }


def schema_from_dict(data: dict[str, Any]) -> Schema:
    if data.get("schemaguard_snapshot") != SNAPSHOT_FORMAT:
        raise ValueError("not a schemaguard snapshot (missing or unknown 'schemaguard_snapshot')")
    return Schema(
        dialect=data["dialect"],
        tables=_tables_from_json(data["tables"]),
        origin=data.get("origin", "declared"),
        schema=data.get("schema"),
        default_schema=data.get("default_schema"),
        label=data.get("label", ""),
        flavor=data.get("flavor", "sqlalchemy"),
        alternates=_tables_from_json(data.get("alternates") or ()),
        lower_case_table_names=data.get("lower_case_table_names"),
        explicit_defaults_for_timestamp=data.get("explicit_defaults_for_timestamp"),
        index_directions=data.get("index_directions"),
    )


def _tables_from_json(items: Iterable[Any]) -> tuple[Table, ...]:
    tables = []
    for t in items:
        tables.append(
            Table(
                name=t["name"],
                schema=t.get("schema"),
                model=t.get("model"),
                renamed_from=t.get("renamed_from"),
                source=_source_from_json(t.get("source")),
                columns=tuple(
                    Column(
                        name=c["name"],
                        type=c.get("type"),
                        nullable=bool(c["nullable"]),
                        default=c.get("default"),
                        autoincrement=bool(c.get("autoincrement", False)),
                        key=c.get("key"),
                        renamed_from=c.get("renamed_from"),
                        source=_source_from_json(c.get("source")),
                        identity=c.get("identity"),
                        generated=c.get("generated"),
                        comment=c.get("comment"),
                    )
                    for c in t["columns"]
                ),
                primary_key=tuple(t.get("primary_key", ())),
                indexes=tuple(
                    Index(
                        name=i.get("name"),
                        columns=tuple(i["columns"]),
                        unique=bool(i.get("unique", False)),
                        source=_source_from_json(i.get("source")),
                        options=tuple(i.get("options") or ()),
                    )
                    for i in t.get("indexes", ())
                ),
                uniques=tuple(
                    UniqueConstraint(
                        name=u.get("name"),
                        columns=tuple(u["columns"]),
                        source=_source_from_json(u.get("source")),
                    )
                    for u in t.get("uniques", ())
                ),
                foreign_keys=tuple(
                    ForeignKey(
                        name=f.get("name"),
                        columns=tuple(f["columns"]),
                        ref_schema=f.get("ref_schema"),
                        ref_table=f["ref_table"],
                        ref_columns=tuple(f["ref_columns"]),
                        ondelete=f.get("ondelete") or "NO ACTION",
                        onupdate=f.get("onupdate") or "NO ACTION",
                        source=_source_from_json(f.get("source")),
                    )
                    for f in t.get("foreign_keys", ())
                ),
                # Optional: snapshots written before CHECKs were compared have none.
                checks=None if t.get("checks") is None else tuple(
                    Check(
                        name=k.get("name"),
                        expression=str(k["expression"]),
                        generated=bool(k.get("generated", False)),
                        source=_source_from_json(k.get("source")),
                    )
                    for k in t["checks"]
                ),
            )
        )
    return tuple(tables)


def dump_snapshot(schema: Schema) -> str:
    return json.dumps(schema_to_dict(schema), indent=2, ensure_ascii=False) + "\n"


def load_snapshot(path: str | Path) -> Schema:
    """Read a snapshot file written by `schemaguard snapshot`."""
    from ..errors import UsageError

    p = Path(path)
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
    except OSError as exc:
        raise UsageError(
            f"cannot read snapshot file {p}: {exc.strerror or exc}",
            hint="check the path given to --models/--db",
        ) from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UsageError(
            f"{p} is not valid JSON ({exc})",
            hint="pass a file written by `schemaguard snapshot`",
        ) from exc
    try:
        return schema_from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise UsageError(
            f"{p} is not a schemaguard snapshot ({exc})",
            hint="pass a file written by `schemaguard snapshot`",
        ) from exc


def is_snapshot_file(target: str) -> bool:
    """True when a --models/--db value names an existing JSON snapshot file."""
    if not target.endswith(".json"):
        return False
    return Path(target).is_file()

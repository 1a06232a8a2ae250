"""SQLite table rebuilds: the changes SQLite's ALTER TABLE cannot make, made by Alembic's batch mode.

SQLite cannot alter a column, add or drop a constraint, or add a column with a non-constant
default in place. Its documented procedure (https://www.sqlite.org/lang_altertable.html, "Making
Other Kinds Of Table Schema Changes") is to create the new table, copy the rows, drop the old one
and rename the new one into place; Alembic's `batch_alter_table` renders exactly that. Three
things make it lossless here where a naive rebuild is not:

- The table it copies is reflected by SQLAlchemy and then completed with what SQLAlchemy's
  SQLite reflection leaves out: column-level UNIQUE constraints and AUTOINCREMENT. A table using
  what cannot be carried over (collations, generated columns, STRICT, WITHOUT ROWID) is not
  rebuilt: the plan skips its changes and says why.
- Indexes and triggers go with the dropped table; they are re-created afterwards from the
  database's own CREATE statements (sqlite_master), so expression and partial indexes survive.
- `PRAGMA legacy_alter_table = ON` around the final rename keeps SQLite from rejecting it for a
  view that names the table, and leaves other tables' foreign keys pointing at the table's name.
  The sync turns `foreign_keys` off before its transaction and runs `PRAGMA foreign_key_check` on
  every rebuilt table before it commits.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .steps import Op

if TYPE_CHECKING:
    from sqlalchemy import Table as SATable
    from sqlalchemy.engine import Connection

    from ..live.database import Database
    from .builder import Builder

# What SQLAlchemy's reflected Table cannot carry through a rebuild.
_UNSUPPORTED = (
    (re.compile(r"\bCOLLATE\b", re.IGNORECASE), "a column collation"),
    (re.compile(r"\bGENERATED\s+ALWAYS\b|\bAS\s*\(", re.IGNORECASE), "a generated column"),
    (re.compile(r"\bWITHOUT\s+ROWID\b", re.IGNORECASE), "WITHOUT ROWID"),
    (re.compile(r"\)\s*(?:WITHOUT\s+ROWID\s*,\s*)?STRICT\b", re.IGNORECASE), "STRICT"),
)

LEGACY_ON = "PRAGMA legacy_alter_table = ON"
LEGACY_OFF = "PRAGMA legacy_alter_table = OFF"


@dataclass
class Source:
    """A live SQLite table ready to be rebuilt: the Table to copy, and the database's own CREATE
    statements of the indexes and triggers that the rebuild must put back (name -> SQL)."""

    table: SATable
    indexes: dict[str, str] = field(default_factory=dict)
    triggers: dict[str, str] = field(default_factory=dict)


def source(conn: Connection, table: str, schema: str | None = None, live: Any = None) -> Source | str:
    """The table to rebuild, or the reason it cannot be rebuilt without losing something.

    `live` is the table as schemaguard reflected it (a snapshot Table): the copy that the rebuild
    creates is compared with it, and any difference (something SQLAlchemy's reflection lost)
    refuses the rebuild rather than carry the loss into the database."""
    import sqlalchemy as sa

    master = f"{_quote(conn, schema)}.sqlite_master" if schema else "sqlite_master"
    rows = conn.exec_driver_sql(
        f"SELECT type, name, sql FROM {master} WHERE tbl_name = ? AND sql IS NOT NULL",  # noqa: S608 - quoted identifier
        (table,),
    ).fetchall()
    create = next((sql for kind, name, sql in rows if kind == "table" and name == table), None)
    if create is None:
        return f"table {table} was not found"
    for pattern, what in _UNSUPPORTED:
        if pattern.search(_strip_literals(create)):
            return f"the table uses {what}, which a rebuild cannot carry over; change it by hand"
    md = sa.MetaData()
    with warnings.catch_warnings():
        # "Skipped unsupported reflection of expression-based index": it is put back from its SQL.
        warnings.simplefilter("ignore", sa.exc.SAWarning)
        t = sa.Table(table, md, autoload_with=conn, schema=schema)
    # Indexes are put back from their own CREATE statements, not re-rendered from reflection.
    t.indexes.clear()
    have = {frozenset(c.name for c in u.columns) for u in t.constraints if isinstance(u, sa.UniqueConstraint)}
    for cols in _inline_uniques(conn, table, schema):
        if frozenset(cols) not in have:
            t.append_constraint(sa.UniqueConstraint(*cols))
            have.add(frozenset(cols))
    if re.search(r"\bAUTOINCREMENT\b", _strip_literals(create), re.IGNORECASE):
        t.dialect_options["sqlite"]["autoincrement"] = True
    _foreign_key_actions(conn, t, schema)
    indexes = {name: sql for kind, name, sql in rows if kind == "index"}
    if live is not None:
        lost = _differences(t, live, recreated=set(indexes))
        if lost:
            return f"SQLAlchemy's reading of the table would change it ({lost}); change it by hand"
    return Source(
        table=t,
        indexes=indexes,
        triggers={name: sql for kind, name, sql in rows if kind == "trigger"},
    )


def render(
    src: Source,
    ops: Sequence[Op],
    *,
    target: str,
    schema: str | None,
    alembic: Callable[[Callable[[Any], None]], list[str]],
    dropped_indexes: Sequence[str] = (),
) -> list[str]:
    """The rebuild's statements: batch mode's create/copy/drop/rename, then the table's indexes
    (less those the plan drops) and triggers, as the database wrote them."""
    import sqlalchemy as sa

    md = sa.MetaData()
    copy = src.table.to_metadata(md, name=target)
    for ref in src.table.metadata.tables.values():
        if ref is not src.table:
            ref.to_metadata(md)
    for op in ops:
        if op.omit is not None:
            op.omit(copy)

    def batch(op_: Any) -> None:
        with op_.batch_alter_table(target, schema=schema, copy_from=copy, recreate="always") as b:
            for op in ops:
                if op.apply is not None:
                    op.apply(b)

    statements = alembic(batch)
    if src.table.dialect_options["sqlite"]["autoincrement"]:
        # AUTOINCREMENT promises never to reuse an id: carry the table's high-water mark in
        # sqlite_sequence over to the new table before the old one (and its counter) is dropped.
        drop = next(i for i, sql in enumerate(statements) if sql.upper().startswith("DROP TABLE"))
        statements[drop:drop] = _carry_sequence(src.table.name, f"_alembic_tmp_{target}", schema)
    out = [LEGACY_ON, *statements, LEGACY_OFF]
    out += [sql.strip() for name, sql in src.indexes.items() if name not in dropped_indexes]
    out += [sql.strip() for sql in src.triggers.values()]
    return out


def _carry_sequence(old: str, new: str, schema: str | None) -> list[str]:
    import sqlalchemy as sa
    from sqlalchemy.dialects import sqlite

    seq = sa.table("sqlite_sequence", sa.column("name", sa.Text), sa.column("seq", sa.Integer), schema=schema)
    stmts = [
        sa.delete(seq).where(seq.c.name == new),
        sa.insert(seq).from_select(["name", "seq"], sa.select(sa.literal(new), seq.c.seq).where(seq.c.name == old)),
    ]
    dialect = sqlite.dialect()
    return [str(s.compile(dialect=dialect, compile_kwargs={"literal_binds": True})) for s in stmts]


def omit_unique(columns: Sequence[str], name: str | None) -> Callable[[SATable], None]:
    def run(t: SATable) -> None:
        import sqlalchemy as sa

        for u in list(t.constraints):
            if isinstance(u, sa.UniqueConstraint) and (
                (name is not None and u.name == name) or [c.name for c in u.columns] == list(columns)
            ):
                t.constraints.discard(u)
                return

    return run


def omit_foreign_key(columns: Sequence[str], ref_table: str, name: str | None) -> Callable[[SATable], None]:
    def run(t: SATable) -> None:
        for fk in list(t.foreign_key_constraints):
            same = [c.name for c in fk.columns] == list(columns) and fk.referred_table.name.lower() == ref_table.lower()
            if (name is not None and fk.name == name) or same:
                t.constraints.discard(fk)
                for c in fk.columns:
                    c.foreign_keys.difference_update(fk.elements)
                t.foreign_keys.difference_update(fk.elements)
                return

    return run


def check_foreign_keys(conn: Connection, tables: Sequence[str]) -> list[str]:
    """`PRAGMA foreign_key_check` on the rebuilt tables: one line per table with violations."""
    out = []
    for t in tables:
        rows = conn.exec_driver_sql(f"PRAGMA foreign_key_check({_quote(conn, t)})").fetchall()
        if rows:
            targets = sorted({str(r[2]) for r in rows})
            out.append(f"{len(rows)} row(s) of {t} reference missing rows of {', '.join(targets)}")
    return out


def reader(database: Database, schema: str | None, live: Any = None) -> Callable[[str], Source | str]:
    """A lookup of rebuild sources for make_plan, read-only like every other read of a plan;
    `live` is the live Schema snapshot each source is checked against."""

    def read(table: str) -> Source | str:
        with database.read_only() as conn:
            return source(conn, table, schema, live.table(table) if live is not None else None)

    return read


def _foreign_key_actions(conn: Connection, t: SATable, schema: str | None) -> None:
    """ON DELETE / ON UPDATE as PRAGMA foreign_key_list has them: SQLAlchemy parses them out of
    the CREATE TABLE text and loses them when a column name holds an escaped quote."""
    prefix = f"{_quote(conn, schema)}." if schema else ""
    keys: dict[int, dict[str, Any]] = {}
    for row in conn.exec_driver_sql(f"PRAGMA {prefix}foreign_key_list({_quote(conn, t.name)})").fetchall():
        key = keys.setdefault(row[0], {"table": str(row[2]), "cols": [], "onupdate": row[5], "ondelete": row[6]})
        key["cols"].append(str(row[3]))
    for fkc in t.foreign_key_constraints:
        cols = [c.name for c in fkc.columns]
        for key in keys.values():
            if key["cols"] == cols and key["table"].lower() == fkc.referred_table.name.lower():
                fkc.ondelete = None if key["ondelete"] == "NO ACTION" else key["ondelete"]
                fkc.onupdate = None if key["onupdate"] == "NO ACTION" else key["onupdate"]
                break


def _differences(t: SATable, live: Any, recreated: set[str]) -> str:
    """What the rebuilt table would have differently from the live one, as finding kinds."""
    from ..drift.diff import diff
    from ..sources.declared import declared_snapshot

    copy = declared_snapshot(t.metadata, "sqlite")
    mine = copy.table(t.name)
    if mine is None:
        return "the table could not be read"
    others = [x for x in copy.tables if x.name != t.name]
    changes = diff(copy.with_tables([mine]), copy.with_tables([live]), outside=others)
    # Drift only: naming and reference findings (a key's type differing from its target's) are
    # properties of the live table that the copy shares, not something the rebuild changes.
    drift = [c for c in changes if c.kind not in _NOT_DRIFT
             and not (c.kind == "index_extra" and getattr(c.live, "name", None) in recreated)]
    return ", ".join(sorted({f"{c.kind} {c.column or ''}".strip() for c in drift}))


_NOT_DRIFT = frozenset({
    "table_name_case", "column_name_style", "foreign_key_target_case", "foreign_key_target_missing",
    "mixed_naming_convention", "foreign_key_type_mismatch",
})


def _inline_uniques(conn: Connection, table: str, schema: str | None) -> list[list[str]]:
    prefix = f"{_quote(conn, schema)}." if schema else ""
    out = []
    for row in conn.exec_driver_sql(f"PRAGMA {prefix}index_list({_quote(conn, table)})").fetchall():
        name, origin = row[1], row[3]
        if origin != "u":
            continue
        info = conn.exec_driver_sql(f"PRAGMA {prefix}index_info({_quote(conn, name)})").fetchall()
        out.append([str(r[2]) for r in sorted(info)])
    return out


def _quote(conn: Connection, name: str | None) -> str:
    return str(conn.dialect.identifier_preparer.quote_identifier(name or ""))


def _strip_literals(sql: str) -> str:
    """The CREATE statement without its string literals and quoted names, so that a default of
    'collate' or a column called "strict" is not mistaken for the keyword."""
    return re.sub(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|`[^`]*`|\[[^\]]*\]", "''", sql)


# --- the plan's rebuild steps --------------------------------------------------------------------

SQLITE_REBUILD = "SQLite needs a table rebuild"
# Kinds a rebuild step is named after, most telling first.
_REBUILD_KINDS = ("alter_column", "add_foreign_key", "drop_constraint", "add_check", "drop_check", "add_column")


def add_rebuild_steps(b: Builder) -> None:
    """One rebuild step per table, holding every change to that table that needs it and the
    table's other column additions (a rebuild copies the table as it was read)."""
    from .steps import Step

    for live_table, ops in b.rebuilds.items():
        target = b.target(live_table)
        reason: str | None = None
        if target != live_table:
            reason = f"this plan also renames the table to {target}; sync again after the rename"
        elif any(s.kind == "rename_column" and s.table == target for s in b.steps):
            reason = "this plan also renames columns of the table; sync again after the renames"
        elif b.rebuild_source is None:
            reason = "the table can only be read for a rebuild from a live database"
        src = b.rebuild_source(live_table) if reason is None and b.rebuild_source else None
        if isinstance(src, str):
            reason = src
        if reason is not None or not isinstance(src, Source):
            for op in ops:
                b.skip(op.kind, op.change, f"{SQLITE_REBUILD}, which cannot be done here: {reason}", column=op.column)
            continue
        added = [s for s in b.steps if s.kind == "add_column" and s.table == target]
        for s in added:
            ops.append(Op("add_column", s.column, f"add column {s.column}",
                          apply=_adder(b.added_columns[(target, s.column or "")])))
        dropped = [s.details.get("index") for s in b.steps if s.kind == "drop_index" and s.table == target]
        b.steps = [s for s in b.steps if s not in added]
        statements = render(src, ops, target=target, schema=b.schema, alembic=b.render.alembic,
                            dropped_indexes=[d for d in dropped if d])
        kinds = {op.kind for op in ops}
        columns = {op.column for op in ops}
        hazards = list(dict.fromkeys(h for op in ops for h in op.hazards))
        step = Step(next(k for k in _REBUILD_KINDS if k in kinds), target,
                    columns.pop() if len(columns) == 1 else None, statements, hazards=hazards,
                    irreversible="a SQLite table rebuild is not reversed automatically")
        step.details["rebuild"] = [op.what for op in ops]
        b.steps.append(step)


def _adder(column: Any) -> Callable[[Any], None]:
    return lambda batch: batch.add_column(column)

"""Column changes: columns added (or renamed), and a column's type, NULL-ability or default
altered in place, or by a table rebuild where the database cannot alter a column."""

from __future__ import annotations

from typing import Any

from ..drift.diff import Change
from ..schema.types import is_narrowing
from .builder import ALTER_NEVER_DESTROYS, SAFE_NEVER_ALTERS, Builder
from .naming import rename_column
from .render import bare_column


def on_column_missing(b: Builder, c: Change) -> None:
    table = c.table or ""
    old = c.details.get("renamed_from")
    if old:
        rename_column(b, c, old)
        return
    col = b.sa_column(c)
    if col is None:
        b.skip("add_column", c, "the declared column was not found in the models")
        return
    if col.computed is not None and b.db.alters_by_rebuild and col.computed.persisted:
        b.skip("add_column", c, "a STORED generated column cannot be added by ALTER TABLE here: the "
               "table must be rebuilt with it; write that migration by hand")
        return
    empty = False
    if not c.declared.nullable and c.declared.default is None and c.declared.generated is None and c.declared.identity is None:
        rows = b.live.has_rows(table) if b.live.has_rows is not None else None
        if rows is not False:
            b.skip("add_column", c, "add_not_null_column_without_default: a NOT NULL column without a "
                   "default cannot be added to a table that has rows"
                   + (" (this one has)" if rows else " (this one may have: it could not be counted)")
                   + "; give it a server_default, or add it nullable, backfill it, then set NOT NULL")
            return
        empty = True  # the table is empty now: the step works, and says what it relies on
    new_col = bare_column(col)
    # What every existing row holds once the column is added (a new CHECK is measured with it).
    b.added_columns[(b.target(table), col.name)] = new_col
    if c.declared.default is not None and c.declared.default.lower() != "null":
        b.added_defaults[(b.target(table), col.name)] = c.declared.default
    if c.declared.default is not None and not b.db.add_column_takes_default(c.declared.default):
        # ADD COLUMN does not take this default (SQLite: only a constant): the table is rebuilt with it.
        b.rebuild(c, "add_column", col.name, f"add column {col.name} DEFAULT {c.declared.default}",
                  apply=lambda batch: batch.add_column(new_col))
        return
    enums = b.enum_types([new_col])
    created = list(b.enums_created)
    seqs, seq_drops = b.sequences([col])
    # A generated, identity or auto-numbered column fills every row: no instant add for it.
    plain = col.computed is None and col.identity is None and col.autoincrement is not True
    add = b.render.alembic(lambda op: op.add_column(b.target(table), new_col, schema=b.schema_of(c)))
    b.step("add_column", b.target(table), col.name,
           enums + seqs + (b.online(add, "add_column") if plain else add),
           hazards=["add_not_null_column_without_default"] if empty else [],
           undo=b.render.alembic(lambda op: op.drop_column(b.target(table), col.name, schema=b.schema_of(c)))
           + seq_drops + b.enum_drops(created))


def on_column_extra(b: Builder, c: Change) -> None:
    b.never("drop_column", c)


def on_type_mismatch(b: Builder, c: Change) -> None:
    if is_narrowing(c.declared.type, c.live.type):
        if b.mode == "safe":
            b.skip("alter_column", c, f"{SAFE_NEVER_ALTERS} (type {c.live.type} -> {c.declared.type})")
        else:
            b.skip("alter_column", c, f"{ALTER_NEVER_DESTROYS} (narrowing_type_change "
                   f"{c.live.type} -> {c.declared.type})")
        return
    # Most type changes rewrite the whole table (on PostgreSQL under an ACCESS EXCLUSIVE lock).
    rewrites = not b.db.type_change_is_metadata_only(c.live.type, c.declared.type)
    alter(b, c, ["column_type_change"] if rewrites else [], type_=True,
          what=f"type {c.live.type} -> {c.declared.type}")


def on_nullable_mismatch(b: Builder, c: Change) -> None:
    alter(b, c, ["set_not_null"] if not c.declared.nullable else [], nullable=True,
          what="set NOT NULL" if not c.declared.nullable else "drop NOT NULL")


def on_default_mismatch(b: Builder, c: Change) -> None:
    if c.details.get("generated"):
        b.skip("alter_column", c, "turning a column into a generated one, out of one, or changing its "
               "expression rebuilds its values: drop and add the column (or rebuild the table) in a "
               "migration written by hand")
        return
    if c.details.get("identity"):
        b.skip("alter_column", c, "switching a column between identity and serial is not planned: write "
               "it by hand (ALTER TABLE ... ALTER COLUMN ... ADD GENERATED ... AS IDENTITY after dropping "
               "the serial default and sequence, with the sequence's current value as START)")
        return
    if c.details.get("autoincrement"):
        b.skip("alter_column", c, "making an existing key column auto-numbered is not planned yet; "
               "add the sequence or identity in a migration")
        return
    what = f"default {c.live.default} -> {c.declared.default}"
    kept = b.types_kept.get((c.table or "", c.column or ""))
    if kept is not None and b.mode != "safe":
        # The default is the declared type's: on the type the column keeps it may be refused
        # (DEFAULT 'abc' on a DATETIME) or mean something else. It goes with the type change.
        b.skip("alter_column", c, f"its type change is not planned ({c.live.type} -> {c.declared.type}: {kept}), "
               f"and the {what} is for the declared type: it is left until the type is changed")
        return
    alter(b, c, [], default=True, what=what)


def on_enum_labels_in_type(b: Builder, c: Change) -> None:
    """Labels missing from an ENUM that is its column's type (MySQL): the column restated with the
    declared type (instant where the labels are appended at the end)."""
    labels = ", ".join(f"'{x}'" for x in c.details.get("labels") or ())
    alter(b, c, [] if _appends_enum_labels(b, c) else ["column_type_change"], type_=True,
          what=f"add ENUM label(s) {labels}")


def on_primary_key_mismatch(b: Builder, c: Change) -> None:
    b.skip("alter_column", c, "changing a primary key is not planned: it rebuilds the key's index and "
           "every foreign key that references it; write that migration by hand")


def alter(b: Builder, c: Change, hazards: list[str], *, type_: bool = False, nullable: bool = False,
          default: bool = False, what: str = "") -> None:
    if b.mode == "safe":
        b.skip("alter_column", c, f"{SAFE_NEVER_ALTERS} ({what})")
        return
    col = b.sa_column(c)
    if col is None:
        b.skip("alter_column", c, "the declared column was not found in the models")
        return
    table = b.target(c.table or "")
    name = b.col(c.table or "", c.column or col.name)
    kw: dict[str, Any] = {}
    if type_:
        kw["type_"] = col.type
    if nullable:
        kw["nullable"] = bool(c.declared.nullable)
    if default:
        kw["server_default"] = _ddl_default(b, col.server_default.arg if col.server_default is not None else None,
                                            col.type)
    if b.db.alters_by_rebuild:
        b.rebuild(c, "alter_column", name, f"{name}: {what}", hazards=hazards,
                  apply=lambda batch: batch.alter_column(name, **kw))
        return
    kw["schema"] = b.schema_of(c)
    if b.db.restates_column_on_alter:
        _restate(b, c, table, name, kw, hazards, what)
        return
    back: dict[str, Any] = {"schema": kw["schema"]}
    reason: str | None = None
    if type_:
        live_type = b.live.column_type(c.table or "", c.live.name) if b.live.column_type else None
        if live_type is None:
            reason = f"the database's type of {name} ({c.live.type}) could not be read to restore it"
        back["type_"] = live_type
    if nullable:
        back["nullable"] = bool(c.live.nullable)
    if default:
        from sqlalchemy import text

        back["server_default"] = _ddl_default(b, text(c.live.default), back.get("type_") or col.type) \
            if c.live.default is not None else None
    b.step("alter_column", table, name,
           b.render.alembic(lambda op: op.alter_column(table, name, **kw)), hazards=hazards,
           undo=reason if reason else (lambda op: op.alter_column(table, name, **back)))
    if type_:
        b.type_changed.add((table, name))


# Alembic's keyword for each attribute a restating ALTER carries (the changed one, then existing_*).
_RESTATED = (("type_", "type"), ("nullable", "nullable"), ("server_default", "default"),
             ("comment", "comment"), ("autoincrement", "autoincrement"))


def _restate(b: Builder, c: Change, table: str, name: str, kw: dict[str, Any], hazards: list[str],
             what: str) -> None:
    """An alter_column where ALTER restates the whole column (MySQL's MODIFY): every attribute the
    step does not change is stated as the column has it when the step runs (the live column, as
    the plan's earlier steps on it left it), and the undo restates the column exactly as it was."""
    now = b.column_now(c.table or "", c.live.name)
    if now is None:
        b.skip("alter_column", c, f"the database's definition of {name} could not be read, and {b.db.title} "
               f"restates the whole column to change it ({what})")
        return
    before = dict(now)
    after = dict(now)
    for key, attr in _RESTATED[:3]:
        if key in kw:
            after[attr] = kw[key]

    def restated(to: dict[str, Any], base: dict[str, Any]) -> dict[str, Any]:
        # The attributes this step changes, to their new values; every other one as it stands.
        out: dict[str, Any] = {"schema": kw["schema"]}
        out.update({f"existing_{key.rstrip('_')}": base[attr] for key, attr in _RESTATED})
        out.update({key: to[attr] for key, attr in _RESTATED[:3] if key in kw})
        for key in ("existing_server_default", "server_default"):
            if key in out:  # (the column's type as the statement states it)
                out[key] = _ddl_default(b, out[key], to["type"])
        return out

    type_change = "type_" in kw
    operation = ("change_type" if type_change else "set_default" if "server_default" in kw
                 else "set_not_null" if not after["nullable"] else "drop_not_null")
    if type_change and _appends_enum_labels(b, c):
        operation, hazards = "append_enum_labels", [h for h in hazards if h != "column_type_change"]
    step = b.step("alter_column", table, name,
                  b.online(b.render.alembic(lambda op: op.alter_column(table, name, **restated(after, before))),
                           operation),
                  hazards=hazards,
                  undo=b.render.alembic(lambda op: op.alter_column(table, name, **restated(before, after))))
    if step.irreversible is None and type_change:
        # The undo narrows the type back: it holds the rows the step found, not wider ones written since.
        step.details["undo_narrows"] = True
    now.update(after)
    if type_change:
        b.type_changed.add((table, name))


def _ddl_default(b: Builder, value: Any, type_: Any) -> Any:
    """A server default as the step's DDL writes it on a column of `type_` (Dialect.default_in_ddl:
    MySQL's SET DEFAULT and MODIFY take an expression only in parentheses). A plain string is a
    literal SQLAlchemy quotes itself, and None drops the default: both are left as they are."""
    from sqlalchemy import text
    from sqlalchemy.sql.elements import ClauseElement, TextClause

    if value is None or isinstance(value, str):
        return value
    if isinstance(value, TextClause):
        sql = value.text
    elif isinstance(value, ClauseElement):
        sql = str(value.compile(dialect=b.dialect, compile_kwargs={"literal_binds": True}))
    else:
        return value
    try:
        type_text: str | None = type_.compile(dialect=b.dialect) if type_ is not None else None
    except Exception:  # noqa: BLE001 - a type this dialect cannot write (NullType): not known here
        type_text = None
    written = b.db.default_in_ddl(sql, type_text)
    return value if written == sql else text(written)


def _appends_enum_labels(b: Builder, c: Change) -> bool:
    """The declared ENUM is the live one with labels added at its end (instant on MySQL 8/MariaDB)."""
    from ..schema.types import enum_labels

    declared, live = enum_labels(str(c.declared.type)), enum_labels(str(c.live.type))
    return bool(declared and live and len(declared) > len(live) and declared[:len(live)] == live)

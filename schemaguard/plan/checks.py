"""CHECK constraints and native enum labels: add_check, drop_check, add_enum_label.

A CHECK is added in every mode (it is additive, like an index): data-aware, it is skipped with the
count of the rows that break it when any do. On a database that validates separately (PostgreSQL)
it is added NOT VALID, then validated by a second statement that lets reads and writes go on (the
contract has no operation kind for that validation: the step carries no hazard and says so in its
details). Where ALTER TABLE cannot add or drop a constraint (SQLite), it is folded into the
table's rebuild. A CHECK is dropped, or replaced, in alter mode only.

A missing enum label is added in every mode (ALTER TYPE ... ADD VALUE, placed where the model has
it); a label only the database has, or labels in another order, need a new type and are never
"fixed": skipped with the recipe.
"""

from __future__ import annotations

from typing import Any

from ..drift.diff import Change
from .builder import SAFE_NEVER_ALTERS, SAFE_NEVER_DROPS, Builder
from .render import generated_name

VALIDATION = ("VALIDATE CONSTRAINT reads every row under a SHARE UPDATE EXCLUSIVE lock: reads and writes "
              "go on meanwhile (no operation kind of the contract applies, so the step lists no hazard)")
TYPE_REBUILD = ("{what} needs a new type: CREATE TYPE {name}_new AS ENUM (...the model's labels...); "
                "UPDATE the rows that hold a label the model lacks; ALTER TABLE ... ALTER COLUMN ... TYPE "
                "{name}_new USING col::text::{name}_new for every column of the type; DROP TYPE {name}; "
                "ALTER TYPE {name}_new RENAME TO {name}. sync never does it")


def on_check_missing(b: Builder, c: Change) -> None:
    _add(b, c, c.declared)


def on_check_extra(b: Builder, c: Change) -> None:
    if b.mode == "safe":
        b.skip("drop_check", c, SAFE_NEVER_DROPS)
        return
    _drop(b, c, c.live)


def on_check_mismatch(b: Builder, c: Change) -> None:
    if b.mode == "safe":
        b.skip("drop_check", c, SAFE_NEVER_ALTERS + " or constraint")
        return
    # The new CHECK first: if rows break it, the old one is kept as it is. (In a rebuild, _add
    # replaces it in one operation and returns False.)
    if _add(b, c, c.declared, replacing=c.live):
        _drop(b, c, c.live)


def _name(b: Builder, c: Change, check: Any) -> str:
    from ..schema.expressions import check_columns

    cols = sorted(check_columns(check.expression, b.db.check_sql)) or ["check"]
    return str(check.name) if check.name else generated_name("ck", b.target(c.table or ""), cols)


def _add(b: Builder, c: Change, check: Any, replacing: Any = None) -> bool:
    import sqlalchemy as sa
    from sqlalchemy.schema import AddConstraint, DropConstraint

    table = b.target(c.table or "")
    if b.blocked_by_missing_column("add_check", c, _columns(b, check)):
        return False
    counter = b.live.check_violations
    unmeasured: str | None = None
    if counter is not None and (c.table or "") not in b.created:
        expression, unmeasured = _as_rows_will_be(b, table, check)
        bad = counter(c.table or "", expression) if expression is not None else None
        if bad:
            b.skip("add_check", c, f"{bad:,} row(s) of {table} break CHECK ({check.expression}): fix them "
                   f"(SELECT * FROM {table} WHERE NOT ({check.expression})), then sync again"
                   + ("; the database's CHECK is kept until then" if replacing is not None else ""))
            return False
    name = _name(b, c, check)
    what = f"add CHECK ({check.expression})"
    if b.db.alters_by_rebuild:
        # Alembic's batch mode adds only named constraints; an unnamed one gets the plan's name
        # (it is matched by its meaning, so the name is no drift). A changed CHECK is one
        # operation of the rebuild: the old one left out of the copy, the new one added.
        if replacing is not None:
            what = f"replace CHECK ({replacing.expression}) with ({check.expression})"
        if unmeasured is not None:
            what += f" ({UNMEASURED}: {unmeasured})"
        b.rebuild(c, "add_check", c.column, what,
                  apply=lambda batch: batch.create_check_constraint(name, sa.text(check.expression)),
                  omit=_omit_check(b, replacing) if replacing is not None else None)
        return False if replacing is not None else True
    stub = sa.Table(table, sa.MetaData(), schema=b.schema_of(c))
    cons = sa.CheckConstraint(sa.text(check.expression), name=name)
    stub.append_constraint(cons)
    statements = []
    details: dict[str, Any] = {"check": check.expression}
    if b.db.validates_checks_separately:
        cons.dialect_options["postgresql"]["not_valid"] = True
        statements = b.render.ddl(AddConstraint(cons))
        prep = b.dialect.identifier_preparer
        statements.append(f"ALTER TABLE {prep.format_table(stub)} VALIDATE CONSTRAINT {prep.quote(name)}")
        details["validation"] = VALIDATION
    else:
        statements = b.render.ddl(AddConstraint(cons))
    if unmeasured is not None:
        details["rows_not_measured"] = f"{UNMEASURED}: {unmeasured}"
    step = b.step("add_check", table, c.column, statements, undo=b.render.ddl(DropConstraint(cons)))
    step.details.update(details)
    return True


UNMEASURED = ("the rows that would break it were not counted (the database refuses the CHECK if any does, "
              "and the sync is rolled back)")


def _as_rows_will_be(b: Builder, table: str, check: Any) -> tuple[str | None, str | None]:
    """The CHECK as the table's existing rows will meet it once the plan added its columns: a
    column this plan adds holds its default (or NULL) in every row, so that value stands in for
    it (the count runs before the column exists: SQLite would read "userId" as a string, the
    other databases refuse the name). (expression to count, None) or (None, why it cannot be)."""
    import re

    from ..schema.expressions import check_columns, substitute_columns

    added = {name.lower(): name for (t, name) in b.added_columns if t == table}
    if not added:
        return check.expression, None
    read = check_columns(check.expression, b.db.check_sql)
    if not read:
        # Unparsed (or reading no column): whether it reads an added column is told by its text.
        named = sorted(n for n in added.values()
                       if re.search(rf"(?<!\w){re.escape(n)}(?!\w)", check.expression, re.IGNORECASE))
        if named:
            return None, f"it names {', '.join(named)}, which this plan adds, and could not be parsed to " \
                         "put the column's default in its place"
        return check.expression, None
    values = {k: b.added_defaults.get((table, added[k.lower()])) for k in read if k.lower() in added}
    if not values:
        return check.expression, None
    expression = substitute_columns(check.expression, b.db.check_sql, values)
    if expression is None:
        return None, f"it reads {', '.join(sorted(added[k.lower()] for k in values))}, which this plan adds, " \
                     "and the column's default could not be put in its place"
    return expression, None


def _drop(b: Builder, c: Change, check: Any) -> None:
    import sqlalchemy as sa
    from sqlalchemy.schema import AddConstraint, DropConstraint

    table = b.target(c.table or "")
    if b.db.alters_by_rebuild:
        b.rebuild(c, "drop_check", c.column, f"drop CHECK ({check.expression})",
                  omit=_omit_check(b, check))
        return
    if not check.name:
        b.skip("drop_check", c, "the CHECK has no name in the database; drop it by hand")
        return
    stub = sa.Table(table, sa.MetaData(), schema=b.schema_of(c))
    cons = sa.CheckConstraint(sa.text(check.expression), name=check.name)
    stub.append_constraint(cons)
    b.step("drop_check", table, c.column, b.render.ddl(DropConstraint(cons)), undo=b.render.ddl(AddConstraint(cons)))


def _omit_check(b: Builder, check: Any) -> Any:
    """Take a CHECK out of the table a rebuild copies: by name, else by meaning."""
    norm = b.db.normalize_check

    def run(t: Any) -> None:
        import sqlalchemy as sa

        for cons in list(t.constraints):
            if not isinstance(cons, sa.CheckConstraint):
                continue
            same_name = check.name is not None and cons.name == check.name
            if same_name or norm(str(cons.sqltext)) == norm(check.expression):
                t.constraints.discard(cons)
                return

    return run


def _columns(b: Builder, check: Any) -> list[str]:
    from ..schema.expressions import check_columns

    return sorted(check_columns(check.expression, b.db.check_sql))


# --- native enum labels -------------------------------------------------------------------------


def on_enum_label_missing(b: Builder, c: Change) -> None:
    """ALTER TYPE ... ADD VALUE for each label the type lacks, placed after the model's previous
    label (or before its next one) so that the type keeps the model's order where it can."""
    from sqlalchemy import Enum

    col = b.sa_column(c)
    type_ = getattr(col, "type", None)
    if not isinstance(type_, Enum) or not type_.name:
        b.skip("add_enum_label", c, "the declared column's Enum type was not found in the models")
        return
    prep = b.dialect.identifier_preparer
    schema = type_.schema if type_.schema is not None else b.schema_of(c)
    type_sql = prep.quote(type_.name) if not schema else f"{prep.quote_schema(schema)}.{prep.quote(type_.name)}"
    declared = list(c.details.get("declared_labels") or ())
    present = list(c.details.get("live_labels") or ())
    for label in c.details.get("labels") or ():
        pos = declared.index(label)
        after = next((x for x in reversed(declared[:pos]) if x in present), None)
        before = None if after is not None else next((x for x in declared[pos + 1:] if x in present), None)
        sql = b.db.add_enum_label_sql(type_sql, *map(_driver_text(b), (label, before, after)))
        if sql is None:
            b.skip("add_enum_label", c, f"{b.db.title} has no enum type to add a label to")
            return
        step = b.step("add_enum_label", b.target(c.table or ""), c.column, [sql],
                      undo=f"{b.db.title} cannot remove a label from an enum type; "
                      + TYPE_REBUILD.format(what="taking it out again", name=type_.name))
        step.details.update(type=type_.name, label=label)
        if c.details.get("columns"):
            step.details["columns"] = list(c.details["columns"])
        present.insert(present.index(after) + 1 if after is not None else
                       present.index(before) if before is not None else len(present), label)


def _driver_text(b: Builder) -> Any:
    """Literal text as a statement run through the driver needs it: % doubled where it marks a
    parameter (as SQLAlchemy renders the plan's other statements and quoted names)."""
    double = b.dialect.paramstyle in ("format", "pyformat")
    return lambda text: text.replace("%", "%%") if double and text is not None else text


def on_enum_label_extra(b: Builder, c: Change) -> None:
    col = b.sa_column(c)
    name = getattr(getattr(col, "type", None), "name", None) or "the_type"
    labels = ", ".join(f"'{x}'" for x in c.details.get("labels") or ())
    b.skip("alter_column", c, TYPE_REBUILD.format(what=f"removing {labels} from the enum type", name=name))


def on_enum_order(b: Builder, c: Change) -> None:
    col = b.sa_column(c)
    name = getattr(getattr(col, "type", None), "name", None) or "the_type"
    b.skip("alter_column", c, TYPE_REBUILD.format(what="reordering the enum type's labels", name=name))


# The finding a step left for the next sync leaves behind (a step that names a label literally:
# a default, a CHECK, a new table or column with such a default).
_LEFT_BEHIND = {"alter_column": "default_mismatch", "add_check": "check_missing", "add_column": "column_missing",
                "create_table": "table_missing"}


def defer_uses_of_new_labels(b: Builder) -> None:
    """Where a new enum label cannot be used in the transaction that added it (PostgreSQL), leave
    out every other step that mentions one (a default, a CHECK, a row): it would fail and roll the
    whole sync back. The next sync, after this one committed, runs them."""
    if b.db.new_enum_label_usable_in_transaction:
        return
    added = [s for s in b.steps if s.kind == "add_enum_label"]
    if not added:
        return
    literals = {f"'{str(s.details['label']).replace(chr(39), chr(39) * 2)}'": s for s in added}
    for step in [s for s in b.steps if s.kind != "add_enum_label"]:
        hit = next((lit for lit in literals if any(lit in stmt for stmt in step.statements)), None)
        if hit is None:
            continue
        b.steps.remove(step)
        from .steps import Skipped

        b.skipped.append(Skipped(step.kind, step.table, step.column,
                                 f"it uses the enum label {hit} that this plan adds, and {b.db.title} cannot use a "
                                 "new label in the transaction that added it: sync again once this sync committed",
                                 _LEFT_BEHIND.get(step.kind)))

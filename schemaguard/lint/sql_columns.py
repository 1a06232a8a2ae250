"""Column definitions, indexes and foreign keys read from sqlglot's trees into the linter's Scope,
and the type-change verdict shared by the SQL and Alembic readers: what a MySQL MODIFY/CHANGE
restates (and silently drops), the ALGORITHM/LOCK clauses of an ALTER TABLE, and the DROP INDEX
that MySQL refuses because a foreign key needs the index.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .operations import ColumnDefinition, ForeignKey, Scope, qualified
from .sqltypes import INTEGERS, ColumnType, classify, make_type

Emit = Callable[..., None]


def type_change(
    emit: Emit, table: str, column: str, old: ColumnType | None, new: ColumnType, dialect: str,
    extra: dict[str, Any] | None = None,
) -> bool:
    """Emit narrowing_type_change or column_type_change, or nothing for a safe change; True when
    something was emitted. `extra` joins the details (what a MySQL MODIFY drops, say)."""
    more = extra or {}
    if old is None:
        emit("column_type_change", table=table, column=column, new=new.render(),
             details={"old_unknown": True, **more})
        return True
    verdict, why = classify(old, new, dialect)
    if verdict == "narrowing":
        emit("narrowing_type_change", table=table, column=column, new=new.render(),
             old=old.render(), details={"why": why, **more})
        return True
    if verdict == "change":
        emit("column_type_change", table=table, column=column, new=new.render(),
             old=old.render(), details={"why": why, "widening": _widening(old, new), **more})
        return True
    return False


def _widening(old: ColumnType, new: ColumnType) -> bool:
    """An integer to a wider integer, or a longer VARCHAR: MariaDB 10.4.3+ may do it instantly."""
    if old.name in INTEGERS and new.name in INTEGERS:
        return INTEGERS[new.name] >= INTEGERS[old.name]
    return old.name == new.name == "varchar" and bool(old.args and new.args) and new.args[0] >= old.args[0]


def sg_table(node: Any) -> tuple[str, str | None]:
    name = str(node.name)
    db = node.args.get("db")
    return name, (str(db.name) if db is not None else None)


def sg_type(node: Any, dialect: str) -> ColumnType | None:
    from sqlglot import exp

    if not isinstance(node, exp.DataType):
        return None
    name = node.this.name.lower() if hasattr(node.this, "name") else str(node.this).lower()
    args: list[int] = []
    values: list[str] = []
    for param in node.expressions:
        lit = param.this if isinstance(param, exp.DataTypeParam) else param
        if isinstance(lit, exp.Literal):
            if lit.is_string:
                values.append(str(lit.this))
            elif str(lit.this).isdigit():
                args.append(int(lit.this))
    return make_type(name, tuple(args), values=tuple(values) if name == "enum" else None,
                     dialect=dialect)


def sg_clauses(node: Any) -> dict[str, str]:
    """MySQL's `ALGORITHM=...` and `LOCK=...` clauses of an ALTER TABLE, upper-cased."""
    from sqlglot import exp

    out: dict[str, str] = {}
    for option in node.args.get("options") or ():
        if isinstance(option, exp.AlgorithmProperty):
            out["algorithm"] = str(option.this.name if hasattr(option.this, "name") else option.this).upper()
        elif isinstance(option, exp.LockProperty):
            out["lock"] = str(option.this.name if hasattr(option.this, "name") else option.this).upper()
    return out


def sg_define(coldef: Any, table: str, scope: Scope) -> ColumnDefinition:
    """Record what a column definition says about nullability, default and AUTO_INCREMENT."""
    from sqlglot import exp

    kinds = [c.args.get("kind") for c in coldef.args.get("constraints") or ()]
    not_null = any(
        isinstance(k, exp.NotNullColumnConstraint) and not k.args.get("allow_null") for k in kinds
    ) or any(isinstance(k, exp.PrimaryKeyColumnConstraint) for k in kinds)
    default = next((k.this.sql(dialect="mysql") for k in kinds
                    if isinstance(k, exp.DefaultColumnConstraint) and not isinstance(k.this, exp.Null)), None)
    auto = any(isinstance(k, exp.AutoIncrementColumnConstraint) for k in kinds)
    definition = ColumnDefinition(nullable=not not_null, default=default, auto_increment=auto)
    scope.define(table, str(coldef.name), definition)
    column = str(coldef.name)
    if any(isinstance(k, exp.PrimaryKeyColumnConstraint) for k in kinds):
        scope.add_index(table, "PRIMARY", (column,))
    elif any(isinstance(k, exp.UniqueColumnConstraint) for k in kinds):
        scope.add_index(table, column, (column,))
    return definition


def _names(items: Any) -> tuple[str, ...]:
    return tuple(str(i.this.name if hasattr(i, "this") and not isinstance(i.this, str) else i.name)
                 for i in items or ())


def sg_table_element(elem: Any, table: str, scope: Scope) -> ForeignKey | None:
    """Record a table-level index, key or foreign key (CREATE TABLE, ALTER TABLE ... ADD); the
    foreign key, when it is one."""
    from sqlglot import exp

    name: str | None = None
    if isinstance(elem, exp.Constraint):
        name = str(elem.name) or None
        inner = list(elem.expressions)
        found = None
        for part in inner:
            got = sg_table_element(part, table, scope) if not isinstance(part, exp.ForeignKey) \
                else sg_foreign_key(part, name, table, scope)
            found = found or got
        return found
    if isinstance(elem, exp.ForeignKey):
        return sg_foreign_key(elem, None, table, scope)
    if isinstance(elem, exp.IndexColumnConstraint):
        cols = _names(elem.expressions)
        scope.add_index(table, str(elem.name) or (cols[0] if cols else ""), cols)
    elif isinstance(elem, exp.UniqueColumnConstraint) and isinstance(elem.this, exp.Schema):
        cols = _names(elem.this.expressions)
        scope.add_index(table, str(elem.this.name) or (cols[0] if cols else ""), cols)
    elif isinstance(elem, exp.PrimaryKey):
        scope.add_index(table, "PRIMARY", _names(elem.expressions))
    return None


def sg_foreign_key(fk: Any, name: str | None, table: str, scope: Scope) -> ForeignKey | None:
    from sqlglot import exp

    ref = fk.args.get("reference")
    target = ref.this if ref is not None else None
    if not isinstance(target, exp.Schema) or not isinstance(target.this, exp.Table):
        return None
    key = ForeignKey(name, table, tuple(str(i.name) for i in fk.expressions), str(target.this.name),
                     tuple(str(i.name) for i in target.expressions))
    scope.add_foreign_key(key)
    return key


def sg_drop_index(index: str, table: str, schema: str | None, dialect: str, scope: Scope, emit: Emit,
                   clauses: dict[str, str] | None = None) -> None:
    """MySQL refuses to drop the index a foreign key needs (error 1553): report it when the
    scope knows both."""
    if dialect == "mysql":
        for fk in scope.foreign_keys_needing(table, index):
            emit("add_foreign_key_validating", table=qualified(table, schema),
                 column=", ".join(fk.columns if fk.table == table.lower() else fk.referent_columns) or None,
                 details={"via": "drop_index", "index": index, "constraint": fk.name,
                          "fk_table": fk.table, "referent": fk.referent, "severity": "error",
                          **(clauses or {})})
    scope.drop_index(table, index)


def sg_modify(action: Any, table: str, where: str, new_table: bool, dialect: str, scope: Scope,
               emit: Emit) -> None:
    """MySQL MODIFY / CHANGE: the whole column definition restated, maybe under a new name. What
    the restatement leaves out of the column's known definition (NOT NULL, the default,
    AUTO_INCREMENT) is dropped without a word from the server."""
    coldef = action.this
    column = str(coldef.name)
    rename_from = action.args.get("rename_from")
    old_name = str(rename_from.name) if rename_from is not None else column
    new_type = sg_type(coldef.args.get("kind"), dialect)
    old_type = scope.type_of(table, old_name)
    before = scope.definition_of(table, old_name)
    if rename_from is not None and old_name != column:
        if not new_table and not scope.is_new_column(table, old_name):
            emit("rename_column", table=where, column=old_name, old=old_name, new=column)
        # CHANGE: the indexes and foreign keys on the column follow it to its new name.
        scope.rename_column(table, old_name, column)
    scope.set_type(table, column, new_type)
    after = sg_define(coldef, table, scope)
    extra = restatement(before, after)
    # On a table this file created the copy costs nothing, but what the restatement drops is
    # still lost: that is reported either way.
    emitted = (not new_table and new_type is not None
               and type_change(emit, where, column, old_type, new_type, dialect, extra))
    if not emitted and extra.get("restatement_drops"):
        rendered = new_type.render() if new_type is not None else None
        emit("column_type_change", table=where, column=column, new=rendered, old=rendered,
             details={**extra, "same_type": True})
    if new_table:
        return
    if before is not None and before.nullable and not after.nullable:
        emit("set_not_null", table=where, column=column, details={"via": "modify"})


def restatement(before: ColumnDefinition | None, after: ColumnDefinition | None) -> dict[str, Any]:
    """The details of a MySQL MODIFY/CHANGE: what it drops from the known definition, or that the
    definition it replaces is unknown (so the message says what it must restate)."""
    if before is None:
        return {"restatement": True, "definition_unknown": True}
    drops: list[str] = []
    if not before.nullable and (after is None or after.nullable):
        drops.append("NOT NULL")
    if before.default is not None and (after is None or after.default is None):
        drops.append(f"DEFAULT {before.default}")
    if before.auto_increment and (after is None or not after.auto_increment):
        drops.append("AUTO_INCREMENT")
    return {"restatement": True, "restatement_drops": drops} if drops else {"restatement": True}

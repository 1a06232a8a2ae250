"""Data-aware measuring: the rows a drop loses, the NULLs that make SET NOT NULL fail, duplicates
that make a unique constraint fail, rows a new foreign key would refuse, read cheaply from the live
database after planning."""

from __future__ import annotations

from typing import Any

from .steps import Plan, Skipped, Step

# Above this many rows (by the catalog's estimate) a table is not counted exactly.
EXACT_COUNT_LIMIT = 100_000


def measure(plan: Plan, bind: Any, schema: str | None = None, *, time_limit_ms: int = 2000) -> None:
    """Put numbers on the hazards that depend on data: rows a drop_table/drop_column loses, NULLs
    that make SET NOT NULL fail. Cheap queries, read-only: the catalog's estimate for large
    tables where it has one, exact counts for small ones, each bounded by `time_limit_ms`; a
    number that cannot be had in time is left out rather than waited for."""
    import sqlalchemy as sa
    from sqlalchemy.exc import DBAPIError

    from ..live.database import Database

    wanted = [s for s in plan.steps if s.kind in ("drop_table", "drop_column") or "set_not_null" in s.hazards
              or s.same_value_in_every_row or (s.kind == "add_unique" and s.details.get("columns"))
              or s.references is not None]
    if not wanted:
        return
    database = Database.open(bind)  # the plan's own handle, or one on an Engine or URL given here
    with database.read_only() as conn:
        db = database.dialect
        db.limit_statement_time(conn, time_limit_ms)
        insp = sa.inspect(conn)
        for step in wanted:
            if not insp.has_table(step.table, schema=schema):
                continue
            table = sa.table(step.table, *([sa.column(step.column)] if step.column else []), schema=schema)
            try:
                estimate = db.row_estimate(conn, step.table, schema)
                if step.same_value_in_every_row:
                    rows = estimate if estimate is not None and estimate > EXACT_COUNT_LIMIT else conn.execute(
                        sa.select(sa.func.count()).select_from(table)).scalar()
                    if int(rows or 0) > 1:
                        _skip_duplicate_unique(plan, step, int(rows or 0))
                elif step.references is not None:
                    if estimate is None or estimate <= EXACT_COUNT_LIMIT:
                        orphans = _orphans(conn, insp, step, schema)
                        if orphans:
                            _skip_orphaned_key(plan, step, orphans)
                elif step.kind in ("drop_table", "drop_column"):
                    if estimate is not None and estimate > EXACT_COUNT_LIMIT:
                        step.details.update(rows=estimate, estimate=True)
                    else:
                        rows = conn.execute(sa.select(sa.func.count()).select_from(table)).scalar()
                        step.details.update(rows=int(rows or 0), estimate=False)
                elif step.kind == "add_unique":
                    if estimate is None or estimate <= EXACT_COUNT_LIMIT:
                        cols: list[Any] = [sa.column(c) for c in step.details["columns"]]
                        groups = (sa.select(*cols).select_from(sa.table(step.table, *cols, schema=schema))
                                  .where(sa.and_(*[c.is_not(None) for c in cols]))
                                  .group_by(*cols).having(sa.func.count() > 1).subquery())
                        dups = conn.execute(sa.select(sa.func.count()).select_from(groups)).scalar()
                        step.details.update(duplicates=int(dups or 0))
                elif step.column and (estimate is None or estimate <= EXACT_COUNT_LIMIT):
                    nulls = conn.execute(
                        sa.select(sa.func.count()).select_from(table).where(table.c[step.column].is_(None))
                    ).scalar()
                    step.details.update(nulls=int(nulls or 0))
            except DBAPIError:
                # Over the time limit (or unreadable): roll back, and make the next transaction
                # read-only and time-limited again.
                conn.rollback()
                db.begin_read_only(conn)
                db.limit_statement_time(conn, time_limit_ms)


def _orphans(conn: Any, insp: Any, step: Step, schema: str | None) -> int:
    """The rows whose key columns are all set and match no row of the referenced table (MATCH
    SIMPLE: a row with a NULL in its key is never refused). 0 when a key column is not there yet
    (a column this plan adds is empty, or has a default the key then has to match: not guessed)."""
    import sqlalchemy as sa

    assert step.references is not None
    own_schema, columns, ref_schema, ref_table, ref_columns = step.references
    own_schema = own_schema if own_schema is not None else schema
    ref_schema = ref_schema if ref_schema is not None else schema
    present = {c["name"] for c in insp.get_columns(step.table, schema=own_schema)}
    if not set(columns) <= present:
        return 0
    own = sa.table(step.table, *[sa.column(c) for c in columns], schema=own_schema).alias("o")
    keyed = sa.and_(*[own.c[c].is_not(None) for c in columns])
    if insp.has_table(ref_table, schema=ref_schema):
        ref = sa.table(ref_table, *[sa.column(c) for c in ref_columns], schema=ref_schema).alias("r")
        match = sa.and_(*[ref.c[r] == own.c[c] for c, r in zip(columns, ref_columns, strict=True)])
        keyed = sa.and_(keyed, ~sa.exists().where(match))
    # else the referenced table is created by this plan, empty: every keyed row is refused.
    return int(conn.execute(sa.select(sa.func.count()).select_from(own).where(keyed)).scalar() or 0)


def _skip_orphaned_key(plan: Plan, step: Step, orphans: int) -> None:
    assert step.references is not None
    _, columns, _, ref_table, ref_columns = step.references
    plan.steps.remove(step)
    plan.skipped.append(Skipped(
        "add_foreign_key", step.table, step.column,
        f"{orphans:,} row(s) of {step.table} have {', '.join(columns)} values that no {ref_table} row has "
        f"({', '.join(ref_columns)}), so the database would refuse the foreign key: fix or delete those rows, "
        "then sync again",
        "foreign_key_missing",
    ))


def _skip_duplicate_unique(plan: Plan, step: Step, rows: int) -> None:
    plan.steps.remove(step)
    plan.skipped.append(Skipped(
        "add_unique", step.table, step.column,
        f"every one of the table's {rows:,} rows gets the new column's default ({step.same_value_in_every_row}), "
        "so the unique constraint would fail: add the column, backfill distinct values, then add the constraint",
        "unique_missing",
    ))
    needed = (step.table, frozenset(step.details.get("columns") or ()))
    for fk in [s for s in plan.steps if s.kind == "add_foreign_key" and s.requires_unique == needed]:
        plan.steps.remove(fk)
        plan.skipped.append(Skipped(
            "add_foreign_key", fk.table, fk.column,
            f"it references {step.table} ({', '.join(sorted(needed[1]))}), whose unique constraint is skipped above",
            "foreign_key_missing",
        ))


def count_check_violations(database: Any, table: str, expression: str, schema: str | None, *,
                           time_limit_ms: int = 2000) -> int | None:
    """The rows of `table` that a CHECK `expression` (the model's, compiled for this database)
    refuses, counted read-only within `time_limit_ms`; None when the count cannot be had in time
    (a table that large is not counted: the step then stands, and the database itself refuses it
    if a row breaks it, rolling the sync back)."""
    import sqlalchemy as sa
    from sqlalchemy.exc import DBAPIError

    db = database.dialect
    with database.read_only() as conn:
        estimate = None
        if not sa.inspect(conn).has_table(table, schema=schema):
            return 0
        db.limit_statement_time(conn, time_limit_ms)
        estimate = db.row_estimate(conn, table, schema)
        if estimate is not None and estimate > EXACT_COUNT_LIMIT:
            return None
        try:
            # The statement goes to the driver as it is: where % marks a parameter, the
            # expression's own % (a LIKE pattern, a name) is doubled, as the quoted names are.
            if conn.dialect.paramstyle in ("format", "pyformat"):
                expression = expression.replace("%", "%%")
            found = conn.exec_driver_sql(db.check_violations_sql(table, expression, schema, conn.dialect)).scalar()
        except DBAPIError:
            return None
        return int(found or 0)

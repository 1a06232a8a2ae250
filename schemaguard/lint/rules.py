"""The lint rule registry: every operation kind lint reports (and the policy kinds sync reports),
with its stable code, default severity, whether it loses data, and how it is explained.

Codes are never reused. SG3xx are operations in migrations (SG300 and SG399 are about the input
itself), SG4xx are refusals of the environment guard. Each code has a page in docs/rules/.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..rules.findings import SEVERITIES, Finding
from . import mysql_ddl
from .operations import Operation

# Old code -> current code. Empty until a code is renamed; a code is never given a new meaning.
REDIRECTS: dict[str, str] = {}


@dataclass(frozen=True)
class LintRule:
    """How one operation kind is judged and explained."""

    code: str
    kind: str
    summary: str
    severity: str
    destructive: bool
    message: Callable[[Operation], str]
    hint: Callable[[Operation], str]
    # Only reported for PostgreSQL (the lock it warns about, or the fix, exists only there).
    postgresql_only: bool = False
    # "lint" or "sync": which command reports it.
    reported_by: str = "lint"

    def judge(self, op: Operation, file: str | None = None) -> Finding:
        severity = str(op.details.get("severity") or self.severity)
        if (op.dialect == "mysql" and not self.destructive
                and mysql_ddl.refused(self.kind, op.details) and mysql_ddl.NEEDS.get(self.kind) == "COPY"):
            # ALGORITHM=INPLACE/INSTANT or LOCK=NONE on a change that needs a copy: the server
            # refuses it instead of blocking writes, so what is left is a failed migration to fix.
            severity = "info"
        message = self.message(op)
        if op.phase == "downgrade":
            # A downgrade runs rarely and on purpose; it still loses data, so it is reported,
            # one step lower.
            severity = SEVERITIES[max(0, SEVERITIES.index(severity) - 1)]
            message = "in downgrade(): " + message
        elif op.details.get("guard") is not None or op.details.get("known") is False:
            # Behind an environment check, or a flag known only at run time: it may never run in
            # production, so one step lower (the message says why).
            severity = SEVERITIES[max(0, SEVERITIES.index(severity) - 1)]
        return Finding(
            code=self.code,
            kind=self.kind,
            severity=severity,
            destructive=self.destructive,
            table=op.table,
            column=op.column,
            declared=op.new,
            live=op.old,
            message=message,
            hint=self.hint(op),
            file=file,
            line=op.line if op.line > 0 else None,
        )


# --- wording helpers ----------------------------------------------------------------------------


def _tc(op: Operation) -> str:
    return f"{op.table}.{op.column}" if op.column else str(op.table)


def _ignore(kind: str, op: Operation) -> str:
    mark = {"alembic": "#", "python": "#", "javascript": "//"}.get(op.source, "--")
    return f"`{mark} schemaguard: ignore {kind}`"


def _alembic(op: Operation) -> bool:
    return op.source == "alembic"


# --- the operation kinds ------------------------------------------------------------------------


def _drop_table_message(op: Operation) -> str:
    msg = f"dropping table {op.table} deletes it with every row, and every client that still uses it fails"
    if op.details.get("cascade"):
        msg += "; CASCADE also drops the views and foreign keys that depend on it"
    return msg


def _drop_table_hint(op: Operation) -> str:
    return (
        "first deploy the code that no longer uses the table; back it up or rename it (e.g. to "
        f"_retired_{(op.table or 'table').split('.')[-1]}) for a release, then drop it in a migration of its own; "
        f"if the data is disposable, say so with {_ignore('drop_table', op)}"
    )


def _drop_column_message(op: Operation) -> str:
    msg = (
        f"dropping column {_tc(op)} deletes its value in every row, and clients that still select "
        "or insert it fail"
    )
    if op.dialect == "mysql":
        msg += "; " + mysql_ddl.drop_column_effect(op.details)
    return msg


def _drop_column_hint(op: Operation) -> str:
    return (
        "expand/contract: first stop using the column (remove it from the models and deploy), then "
        "drop it in a later migration; back the data up if it may be needed again"
    )


def _narrowing_message(op: Operation) -> str:
    why = op.details.get("why") or "some existing values may not fit"
    msg = (
        f"changing {_tc(op)} from {op.old} to {op.new} narrows it: {why}, so the migration fails "
        "on such rows or loses data"
    )
    if op.dialect == "mysql":
        msg += "; " + mysql_ddl.type_change_effect(op.details)
        note = mysql_ddl.restatement_note(op.details, _tc(op))
        if note:
            msg += "; " + note
    return msg


def _narrowing_hint(op: Operation) -> str:
    new = op.new or ""
    check = ""
    if (new.startswith("VARCHAR(") or new.startswith("CHAR(")) and op.column:
        n = new[new.index("(") + 1 : new.index(")")]
        check = f"SELECT count(*) FROM {op.table} WHERE length({op.column}) > {n}"
    first = f"count the rows that do not fit first ({check})" if check else "find the rows that do not fit first"
    if op.dialect == "mysql" and op.details.get("restatement_drops"):
        first = _restatement_hint(op) + "; " + first
    return (
        f"{first}, then fix or archive them; or keep the wider type and add a CHECK constraint (NOT "
        "VALID, validated in a later migration); or add a new column, backfill it, switch, and drop "
        "the old one"
    )


def _type_change_message(op: Operation) -> str:
    if op.dialect == "mysql":
        return _mysql_type_change_message(op)
    what = f"changing the type of {_tc(op)} to {op.new}"
    if op.old:
        what += f" (from {op.old})"
    if op.dialect == "postgresql":
        effect = ("PostgreSQL rewrites the table and its indexes under an ACCESS EXCLUSIVE lock, so "
                  "reads and writes wait until it is done")
    elif op.dialect == "mysql":
        effect = "MySQL copies the table (ALGORITHM=COPY) and blocks writes while it does"
    elif op.dialect == "mssql":
        effect = ("SQL Server converts every row under a schema modification (Sch-M) lock, so reads "
                  "and writes wait until it is done")
    else:
        effect = ("SQLite cannot change a column's type in place: the table is rebuilt by copying "
                  "every row")
    msg = f"{what}: {effect}"
    why = op.details.get("why")
    if why and op.dialect == "postgresql":
        msg += f" ({why})"
    if op.details.get("old_unknown"):
        msg += "; the current type is not stated, so a safe widening cannot be told from a rewrite"
    return msg


def _mysql_type_change_message(op: Operation) -> str:
    note = mysql_ddl.restatement_note(op.details, _tc(op))
    if op.details.get("same_type"):
        # The type stays: the finding is what the restatement drops.
        return note
    what = f"changing the type of {_tc(op)} to {op.new}" if op.new else f"restating {_tc(op)}"
    if op.old:
        what += f" (from {op.old})"
    msg = f"{what}: {mysql_ddl.type_change_effect(op.details)}"
    if op.details.get("old_unknown") and not op.details.get("restatement"):
        msg += "; the current type is not stated, so a change in place cannot be told from a copy"
    if note:
        msg += "; " + note
    return msg


def _restatement_hint(op: Operation) -> str:
    if _alembic(op):
        return ("pass existing_nullable=, existing_server_default= (and existing_type=, "
                "existing_autoincrement=, existing_comment= where they apply) with the column's current "
                "definition, so that the MODIFY repeats it")
    return ("restate the whole current definition in the MODIFY/CHANGE (NOT NULL, DEFAULT, AUTO_INCREMENT, "
            "COMMENT, character set); to change only the default use ALTER COLUMN ... SET/DROP DEFAULT "
            "(instant)")


def _type_change_hint(op: Operation) -> str:
    if op.dialect == "mysql" and op.details.get("same_type"):
        return _restatement_hint(op)
    if op.dialect == "mysql":
        hint = (f"{mysql_ddl.COPY_TOOLS}; or expand/contract: add a new column, backfill it in batches, "
                "switch, drop the old one")
        if op.details.get("restatement_drops") or op.details.get("definition_unknown"):
            hint = _restatement_hint(op) + "; " + hint
    elif op.dialect == "sqlite":
        hint = ("make sure the table is small enough to copy during the deploy, or expand/contract: add "
                "a new column, backfill it, switch, drop the old one")
    elif op.dialect == "mssql":
        hint = ("expand/contract: add a new column of the new type, backfill it in batches, switch the "
                "application, then drop the old column")
    else:
        hint = ("expand/contract: add a new column of the new type, backfill it in batches, switch the "
                "application, then drop the old column; widening VARCHAR(n) to a longer VARCHAR or to "
                "TEXT (and NUMERIC precision at the same scale) needs no rewrite")
    if op.dialect == "postgresql" and (op.new or "").startswith("ENUM") and (op.old or "").startswith("ENUM"):
        hint = ("for a native enum, add values with ALTER TYPE ... ADD VALUE (no rewrite) instead of "
                "changing the column; otherwise " + hint)
    if op.details.get("old_unknown") and _alembic(op):
        hint += "; pass existing_type= so that the change can be judged"
    return hint


def _set_not_null_message(op: Operation) -> str:
    if op.dialect == "postgresql":
        return (
            f"setting {_tc(op)} NOT NULL scans the whole table under an ACCESS EXCLUSIVE lock "
            "(reads and writes wait), and fails if any row holds NULL"
        )
    if op.dialect == "mysql":
        return (f"setting {_tc(op)} NOT NULL fails if any row holds NULL (strict SQL mode), and "
                + mysql_ddl.set_not_null_effect(op.details))
    extra = {"mssql": ", and SQL Server checks every row under a schema modification (Sch-M) lock"}
    return f"setting {_tc(op)} NOT NULL fails if any row holds NULL{extra.get(op.dialect, '')}"


def _set_not_null_hint(op: Operation) -> str:
    if op.dialect != "postgresql":
        return "backfill the NULLs first (UPDATE in batches), then set NOT NULL"
    col = op.column or "col"
    return (
        f"backfill the NULLs first; then on PostgreSQL 12+ add CHECK ({col} IS NOT NULL) NOT VALID, "
        "VALIDATE CONSTRAINT it in a later migration (no write lock), then SET NOT NULL (it uses the "
        "validated constraint instead of scanning) and drop the CHECK; mark that last step with "
        f"{_ignore('set_not_null', op)}"
    )


def _add_not_null_message(op: Operation) -> str:
    msg = (
        f"adding NOT NULL column {_tc(op)} without a default fails on a table that has rows (they "
        "would hold NULL), and inserts from clients that do not know the column fail too"
    )
    if op.details.get("client_default"):
        msg += "; default= only fills the value in Python, the database gets no default"
    return msg


def _add_not_null_hint(op: Operation) -> str:
    default = "server_default=..." if _alembic(op) else "DEFAULT ..."
    return (
        "add it nullable, backfill it in batches, then set NOT NULL (see SG305); or give it a "
        f"constant default ({default}; instant on PostgreSQL 11+ and MySQL 8)"
    )


def _rename_table_message(op: Operation) -> str:
    msg = (
        f"renaming table {op.old} to {op.new} breaks every client that still uses {op.old}, the "
        "moment the migration runs"
    )
    if op.dialect == "mysql":
        msg += " (MySQL and MariaDB rename it instantly, so nothing warns before clients fail)"
    return msg


def _rename_table_hint(op: Operation) -> str:
    return (
        f"expand/contract: keep the old name working meanwhile (rename, then CREATE VIEW {op.old} AS "
        f"SELECT * FROM {op.new} in the same migration), deploy clients that use {op.new}, and drop "
        "the view in a later migration"
    )


def _rename_column_message(op: Operation) -> str:
    return (
        f"renaming column {op.table}.{op.old} to {op.new} breaks every client that still reads or "
        f"writes {op.old}"
    )


def _rename_column_hint(op: Operation) -> str:
    return (
        f"expand/contract: add {op.new}, write to both, backfill, switch reads to {op.new}, then drop "
        f"{op.old} in a later release; or keep the column and map the attribute to it in the model "
        f"(mapped_column(\"{op.old}\"))"
    )


def _create_index_message(op: Operation) -> str:
    ctype = op.details.get("constraint_type")
    if ctype:
        name = op.details.get("constraint")
        what = f"{ctype} constraint {name}" if name else f"a {ctype} constraint"
        if op.details.get("via") == "add_column":
            what = f"column {_tc(op)} as {ctype}"
        return (
            f"adding {what} on {op.table} builds its index while holding an ACCESS EXCLUSIVE lock: "
            f"reads and writes of {op.table} wait for the whole build"
        )
    name = op.details.get("index")
    what = f"index {name}" if name else "an index"
    return (
        f"creating {what} on {op.table} without CONCURRENTLY blocks every write to {op.table} "
        "(SHARE lock) for the whole build"
    )


def _create_index_hint(op: Operation) -> str:
    ctype = op.details.get("constraint_type")
    if ctype in ("UNIQUE", "PRIMARY KEY"):
        first = ("op.create_index(..., unique=True, postgresql_concurrently=True) inside `with "
                 "op.get_context().autocommit_block():`" if _alembic(op)
                 else "CREATE UNIQUE INDEX CONCURRENTLY ... (outside a transaction block)")
        return (
            f"build the index first with {first}, then ALTER TABLE ... ADD CONSTRAINT ... {ctype} "
            "USING INDEX ... (instant); add a new column without the constraint and attach it the "
            "same way"
        )
    if ctype:
        return "build the constraint's index ahead of time where possible, or run it in a maintenance window"
    if _alembic(op):
        return (
            "op.create_index(..., postgresql_concurrently=True) inside `with "
            "op.get_context().autocommit_block():` (CONCURRENTLY cannot run in a transaction); if "
            "it fails, drop the INVALID index it leaves and run it again"
        )
    return (
        "CREATE INDEX CONCURRENTLY, outside a transaction block (it cannot run inside one; Alembic: "
        "op.get_context().autocommit_block()); if it fails, drop the INVALID index it leaves and "
        "run it again"
    )


def _fk_message(op: Operation) -> str:
    ref = op.details.get("referent") or "its target"
    if op.dialect == "mysql" and op.details.get("via") == "drop_index":
        name = op.details.get("constraint")
        fk = f"foreign key {name}" if name else "a foreign key"
        return (f"dropping index {op.details.get('index')} of {op.table}: {fk} ({op.details.get('fk_table')} -> "
                f"{ref}) needs an index on ({op.column}) and this is the only one, so MySQL and MariaDB refuse "
                "the statement (error 1553, cannot drop index needed in a foreign key constraint) and the "
                "migration stops here, after the statements before it have been committed")
    if op.dialect == "mysql":
        cols = f"({op.column})" if op.column else ""
        return f"adding a foreign key on {op.table}{cols} to {ref}: {mysql_ddl.foreign_key_effect(op.details)}"
    if op.details.get("via") == "add_column":
        head = f"adding column {_tc(op)} with a foreign key to {ref}"
    else:
        cols = f"({op.column})" if op.column else ""
        head = f"adding a foreign key on {op.table}{cols} to {ref}"
    return (
        f"{head} checks every existing row while holding SHARE ROW EXCLUSIVE locks on both tables, "
        "which blocks their writes until it is done"
    )


def _fk_hint(op: Operation) -> str:
    if op.dialect == "mysql" and op.details.get("via") == "drop_index":
        return ("drop the foreign key first (ALTER TABLE ... DROP FOREIGN KEY ...) if it is meant to go, or "
                "create another index that starts with its columns before dropping this one")
    if op.dialect == "mysql":
        return (f"{mysql_ddl.COPY_TOOLS}; or SET foreign_key_checks = 0 for the statement (it is then added "
                "in place, but existing rows are not checked: check them with a query first)")
    add_column = op.details.get("via") == "add_column"
    if _alembic(op):
        first = ("add the column without ForeignKey, then " if add_column else "")
        return (
            f"{first}op.create_foreign_key(..., postgresql_not_valid=True) (instant), and in a later "
            "revision op.execute(\"ALTER TABLE ... VALIDATE CONSTRAINT ...\") (blocks no writes)"
        )
    first = "add the column without REFERENCES, then " if add_column else ""
    return (
        f"{first}ADD CONSTRAINT ... FOREIGN KEY ... NOT VALID (instant), and in a later migration "
        "ALTER TABLE ... VALIDATE CONSTRAINT ... (blocks no writes)"
    )


def _truncate_message(op: Operation) -> str:
    lock = " at once, under an ACCESS EXCLUSIVE lock" if op.dialect == "postgresql" else " at once"
    msg = f"truncating {op.table} deletes every row in it{lock}"
    if op.details.get("cascade"):
        msg += ", and CASCADE empties every table with a foreign key to it as well"
    if op.dialect == "mysql":
        msg += "; TRUNCATE commits implicitly and cannot be rolled back"
    return msg


def _truncate_hint(op: Operation) -> str:
    return (
        f"if the data really is disposable, say so with {_ignore('truncate_table', op)}; otherwise "
        "back it up first, or delete only the rows you mean with a WHERE clause, in batches"
    )


def _delete_all_message(op: Operation) -> str:
    expr = op.details.get("expression")
    if expr:
        return f"{expr} has no filter, so it deletes every row of {op.table}"
    return f"DELETE without WHERE deletes every row of {op.table}"


def _delete_all_hint(op: Operation) -> str:
    return (
        "add a WHERE clause (or .filter()) for the rows you mean, delete in batches, and back up "
        f"first; if emptying the table is intended, say so with {_ignore('delete_all_rows', op)}"
    )


def _drop_schema_message(op: Operation) -> str:
    if op.details.get("database"):
        return f"dropping database {op.old} deletes every schema, table and row in it"
    msg = f"dropping schema {op.old} deletes every table, view and function in it, with all their data"
    if op.details.get("cascade"):
        msg += "; CASCADE also drops what depends on them elsewhere"
    return msg


def _drop_schema_hint(op: Operation) -> str:
    return (
        "never drop a schema or database in a migration that can run against production; move what "
        "is still needed, back it up, and drop it by hand after review"
    )


def _force_reset_message(op: Operation) -> str:
    schema = op.details.get("schema")
    if schema:
        return (
            f"dropping schema {schema} and creating it again (line {op.details.get('recreated_at')}) "
            "empties it: every table in it is dropped with all its rows, a force reset"
        )
    if op.source == "javascript":
        msg = _force_reset_js(op)
    else:
        call = op.details.get("call") or "drop_all"
        msg = f"{call}() drops every table the metadata declares, with all their rows"
        if op.details.get("then_create_all"):
            msg += ", and create_all() right after recreates them empty: a force reset"
    guard = op.details.get("guard")
    if guard is not None:
        msg += (f"; it sits behind an environment check (`{guard}`), so it is a warning, not an "
                "error: make sure that check can never hold in production")
    return msg


def _force_reset_js(op: Operation) -> str:
    d = op.details
    option, value, call = d.get("option"), d.get("value"), d.get("call")
    if d.get("orm") == "sequelize":
        if option == "force":
            effect = ("drops the tables it syncs (every model's table for a Sequelize instance, its own "
                      "for a model) and creates them again, empty: every row is lost")
        else:
            effect = ("rewrites the tables it syncs to match the models: Sequelize's alter drops the "
                      "columns the models no longer declare, with their data, and changes column types "
                      "in place")
        if d.get("known") is False:
            why = "it depends on the environment" if d.get("env_value") else "it is known only at run time"
            return f"{call}({{ {option}: {value} }}): {option} could be true ({why}), and then it {effect}"
        return f"{call}({{ {option}: {value} }}) {effect}"
    what = d.get("what")
    if what == "drop_database":
        return f"{call}() drops the whole database with every table and row"
    if what == "synchronize":
        if d.get("drop_first"):
            return (f"{call}(true) drops every table of the data source and creates them again from "
                    "the entities, empty: every row is lost")
        msg = (f"{call}() rewrites the schema to match the entities: TypeORM drops the columns the "
               "entities no longer declare, with their data")
        if d.get("known") is False:
            msg += f"; its argument ({value}) could be true, and then it drops every table first"
        return msg
    if option == "dropSchema":
        effect = "drops every table of the schema each time the data source is initialized: every row is lost"
    else:
        effect = ("rewrites the schema to match the entities each time the data source is initialized, "
                  "dropping the columns the entities no longer declare, with their data")
    if d.get("known") is False:
        why = "it depends on the environment" if d.get("env_value") else "it is known only at run time"
        return f"`{option}: {value}` in a TypeORM data source config could be true ({why}), and then it {effect}"
    return f"`{option}: {value}` in a TypeORM data source config {effect}"


def _force_reset_hint(op: Operation) -> str:
    if op.details.get("schema"):
        return (
            "never reset a schema in a migration that can run against production; change it with "
            f"migrations that keep the data; keep resets in test set-up ({_ignore('force_reset', op)})"
        )
    if op.source == "javascript":
        if op.details.get("orm") == "typeorm":
            return (
                "set synchronize and dropSchema to false and change the schema with migrations "
                "(typeorm migration:run), or run `schemaguard sync --mode auto` before starting the app; "
                f"keep resets in test set-up on throwaway databases ({_ignore('force_reset', op)})"
            )
        return (
            "never reset or alter the schema from start-up code: run `schemaguard sync --mode auto` "
            "before starting the app (it only adds, outside development), or call sequelize.sync() "
            "without force or alter and change schemas with migrations; keep resets in test set-up on "
            f"throwaway databases ({_ignore('force_reset', op)})"
        )
    return (
        "never run drop_all() from application code or start-up: in production every row is lost; "
        "change schemas with migrations (Alembic), `schemaguard sync`, or "
        '`schemaguard.safe_sync(engine, metadata, mode="auto")` (it only adds, outside development), '
        "and keep drop_all() in test fixtures on throwaway databases (mark those with "
        "`# schemaguard: ignore force_reset`)"
    )


# --- about the input ----------------------------------------------------------------------------

_DIALECT_NAMES = {"postgresql": "PostgreSQL", "sqlite": "SQLite", "mysql": "MySQL", "mssql": "SQL Server (T-SQL)"}


def _unparseable_message(op: Operation) -> str:
    dialect = _DIALECT_NAMES.get(op.dialect, op.dialect)
    error = op.details.get("error") or "syntax error"
    if op.details.get("whole_file"):
        return (
            f"the SQL could not be split into {dialect} statements ({error}), so none of it was "
            "checked"
        )
    stmt = op.details.get("statement")
    return (
        f"this statement could not be parsed as {dialect} SQL ({error}), so it was not checked"
        + (f": {stmt}" if stmt else "")
    )


def _unparseable_hint(op: Operation) -> str:
    return (
        "fix the syntax, or lint with the dialect the file is written for (--dialect postgresql, "
        "sqlite, mysql or mssql); in an Alembic revision, put SQL written for one database under a "
        "test of it (if op.get_bind().dialect.name == ...), which lint follows"
    )


def _unknown_suppression_message(op: Operation) -> str:
    names = op.details.get("names") or ()
    if not names:
        return "`schemaguard: ignore` names no kind or code, so it suppresses nothing"
    listed = ", ".join(names)
    return (
        f"`schemaguard: ignore` names {listed}, which is no lint kind or code, so it suppresses "
        "nothing"
    )


def _unknown_suppression_hint(op: Operation) -> str:
    return (
        "name kinds or codes from docs/rules (drop_table or SG301, ...), separated by commas, or "
        "`all`; put a reason after ` -- `"
    )


# --- policy (reported by sync) ------------------------------------------------------------------


def _force_refused_message(op: Operation) -> str:
    reason = op.details.get("reason")
    return "force sync refused" + (f": {reason}" if reason else
                                   ": it drops and recreates every declared table")


def _force_refused_hint(op: Operation) -> str:
    return (
        "force runs only in development with FORCE_SYNC set and a database that records "
        "development (schemaguard stamp development); elsewhere use --mode safe, or migrations"
    )


def _alter_refused_message(op: Operation) -> str:
    reason = op.details.get("reason")
    return "alter sync refused" + (f": {reason}" if reason else ": alter mode runs only in development")


def _alter_refused_hint(op: Operation) -> str:
    return (
        "use --mode safe here (it only adds), or --env development on a development database; "
        "change production with reviewed migrations"
    )


def _rule(code: str, kind: str, summary: str, severity: str, destructive: bool,
          message: Callable[[Operation], str], hint: Callable[[Operation], str], **kw: object) -> LintRule:
    return LintRule(code, kind, summary, severity, destructive, message, hint, **kw)  # type: ignore[arg-type]


LINT_RULES: tuple[LintRule, ...] = (
    _rule("SG300", "unparseable_sql", "A SQL statement could not be parsed, so it was not checked.",
          "warning", False, _unparseable_message, _unparseable_hint),
    _rule("SG301", "drop_table", "A migration drops a table and every row in it.",
          "error", True, _drop_table_message, _drop_table_hint),
    _rule("SG302", "drop_column", "A migration drops a column and its data.",
          "error", True, _drop_column_message, _drop_column_hint),
    _rule("SG303", "narrowing_type_change", "A migration changes a column to a narrower type that may not hold its values.",
          "error", True, _narrowing_message, _narrowing_hint),
    _rule("SG304", "column_type_change", "A migration changes a column's type, which rewrites or rebuilds the table.",
          "warning", False, _type_change_message, _type_change_hint),
    _rule("SG305", "set_not_null", "A migration sets a column NOT NULL, which scans the table under a lock and fails on NULLs.",
          "warning", False, _set_not_null_message, _set_not_null_hint),
    _rule("SG306", "add_not_null_column_without_default", "A migration adds a NOT NULL column without a default.",
          "warning", False, _add_not_null_message, _add_not_null_hint),
    _rule("SG307", "rename_table", "A migration renames a table that clients still use by its old name.",
          "warning", False, _rename_table_message, _rename_table_hint),
    _rule("SG308", "rename_column", "A migration renames a column that clients still use by its old name.",
          "warning", False, _rename_column_message, _rename_column_hint),
    _rule("SG309", "create_index_blocking", "A migration builds an index while blocking writes on PostgreSQL (CREATE INDEX without CONCURRENTLY, or ADD UNIQUE/PRIMARY KEY).",
          "warning", False, _create_index_message, _create_index_hint, postgresql_only=True),
    _rule("SG310", "add_foreign_key_validating", "A migration adds a foreign key that checks existing rows under locks (PostgreSQL) or by copying the table (MySQL), or drops the index a foreign key needs (MySQL refuses it).",
          "warning", False, _fk_message, _fk_hint),
    _rule("SG311", "truncate_table", "A migration truncates a table.",
          "error", True, _truncate_message, _truncate_hint),
    _rule("SG312", "delete_all_rows", "A migration deletes every row of a table (DELETE without WHERE).",
          "error", True, _delete_all_message, _delete_all_hint),
    _rule("SG313", "drop_schema", "A migration drops a whole schema or database.",
          "error", True, _drop_schema_message, _drop_schema_hint),
    _rule("SG314", "force_reset", "Code wipes or rewrites the schema at start-up: drop_all(), sync({ force: true }) or sync({ alter: true }), TypeORM synchronize/dropSchema.",
          "error", True, _force_reset_message, _force_reset_hint),
    _rule("SG399", "unknown_suppression", "An inline `schemaguard: ignore` comment names no known kind or code.",
          "warning", False, _unknown_suppression_message, _unknown_suppression_hint),
    _rule("SG401", "force_sync_refused", "A force sync was refused by the environment guard.",
          "error", True, _force_refused_message, _force_refused_hint, reported_by="sync"),
    _rule("SG402", "alter_refused", "An alter sync was refused by the environment guard.",
          "error", False, _alter_refused_message, _alter_refused_hint, reported_by="sync"),
)

BY_KIND: dict[str, LintRule] = {r.kind: r for r in LINT_RULES}
BY_CODE: dict[str, LintRule] = {r.code: r for r in LINT_RULES}
# The contract's operation kinds, in its order.
OPERATION_KINDS: tuple[str, ...] = tuple(
    r.kind for r in LINT_RULES if r.code.startswith("SG3") and r.code not in ("SG300", "SG399")
)
# What an inline suppression may name (besides `all`).
SUPPRESSIBLE: frozenset[str] = frozenset(
    {r.kind for r in LINT_RULES if r.reported_by == "lint" and r.kind != "unknown_suppression"}
    | {r.code for r in LINT_RULES if r.reported_by == "lint" and r.kind != "unknown_suppression"}
)


def judge(operations: Iterable[Operation], file: str | None = None) -> list[Finding]:
    """Turn operations into findings with the rule for each kind."""
    return [BY_KIND[op.kind].judge(op, file) for op in operations]


def policy_finding(kind: str, reason: str | None = None) -> Finding:
    """The finding for a refusal of the environment guard (force_sync_refused, alter_refused)."""
    rule = BY_KIND[kind]
    if rule.reported_by != "sync":
        raise ValueError(f"{kind} is not a policy kind")
    return rule.judge(Operation(kind, line=0, details={"reason": reason} if reason else {}))

"""The declared side: load SQLAlchemy models from a target and turn them into a Schema."""

from __future__ import annotations

import contextlib
import enum
import importlib
import importlib.util
import os
import sys
import traceback
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..dialects import canonical_type, dialect_of, sqlalchemy_dialect
from ..errors import ModelsError
from ..schema.defaults import is_sequence_default
from ..schema.expressions import (
    element_options,
    generated_expression,
    normalize_expression,
    parse_index_element,
)
from ..schema.snapshot import Check, Column, ForeignKey, Index, Schema, Table, UniqueConstraint

if TYPE_CHECKING:
    from sqlalchemy import MetaData
    from sqlalchemy import Table as SATable
    from sqlalchemy.engine import Dialect

    from .locate import SourceIndex


def load_target(target: str) -> tuple[list[MetaData], list[Any]]:
    """Import `package.module:attr` or `path/to/file.py:attr`; return its MetaData objects and the
    declarative registries found beside them (used to point findings at model source lines)."""
    module_part, sep, attr_path = target.rpartition(":")
    if not sep or not module_part or not attr_path:
        raise ModelsError(
            f"models target {target!r} has no attribute part",
            hint="write it as package.module:Base or path/to/models.py:Base",
        )
    # Whatever the models print while importing goes to stderr: stdout carries only the report
    # (a JSON document must stay parseable).
    with contextlib.redirect_stdout(sys.stderr):
        module = _import(module_part)
    obj: Any = module
    for part in attr_path.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise ModelsError(
                f"{module_part} has no attribute {attr_path!r}",
                hint="name a MetaData, a declarative base, or a list of them",
            ) from None
    return _collect(obj, target)


class ClassTables:
    """Declarative classes and their tables, standing in for a registry's mappers where source
    lines are looked up when those mappers cannot be listed: (class, table) pairs."""

    def __init__(self, entries: list[tuple[type, Any]]) -> None:
        self.entries = entries


# Models files imported by path in this process: (the target as given, the working directory
# before and after its import) -> its module's name.
_loaded_files: dict[tuple[str, str], str] = {}


def _import(module_part: str) -> Any:
    is_path = (
        module_part.endswith(".py")
        or os.sep in module_part
        or "/" in module_part
        or os.path.isfile(module_part)
    )
    if is_path:
        # The same target loaded again in this process (sync and plan read the models twice) is
        # the module already imported, even if importing it changed the working directory.
        known = _loaded_files.get((module_part, os.getcwd()))
        if known is not None and known in sys.modules:
            return sys.modules[known]
        path = Path(module_part)
        if not path.is_file():
            raise ModelsError(
                f"models file {module_part} does not exist",
                hint="check the path given to --models",
            )
        path = path.resolve()
        name = "_schemaguard_models_" + str(abs(hash(str(path))))
        if name in sys.modules:
            return sys.modules[name]
        # Sibling imports inside the models file must work as they do for the app itself.
        parent = str(path.parent)
        if parent not in sys.path:
            sys.path.insert(0, parent)
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ModelsError(f"cannot load {module_part} as Python", hint="pass a .py file")
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        cwd_before = os.getcwd()
        _loaded_files[(module_part, cwd_before)] = name
        try:
            spec.loader.exec_module(module)
        except SyntaxError as exc:
            del sys.modules[name]
            if exc.filename not in (None, str(path), "<string>", "<unknown>") and exc.lineno:
                raise _import_failed(module_part, exc) from exc  # raised by something it imports
            where = f"line {exc.lineno}: " if exc.lineno else ""
            raise ModelsError(
                f"{module_part} is not valid Python ({where}{exc.msg})",
                hint="pass the Python file that defines the models",
            ) from exc
        except UnicodeDecodeError as exc:
            del sys.modules[name]
            raise ModelsError(
                f"{module_part} is not a Python source file (it is not UTF-8 text)",
                hint="pass the Python file that defines the models",
            ) from exc
        except ValueError as exc:
            del sys.modules[name]
            if "null bytes" in str(exc):  # what compile() says of a binary file on some Pythons
                raise ModelsError(
                    f"{module_part} is not a Python source file (it holds binary data)",
                    hint="pass the Python file that defines the models",
                ) from exc
            raise _import_failed(module_part, exc) from exc
        except SystemExit as exc:
            del sys.modules[name]
            raise _exited(module_part, exc) from exc
        except Exception as exc:
            del sys.modules[name]
            raise _import_failed(module_part, exc) from exc
        if os.getcwd() != cwd_before:
            _loaded_files[(module_part, os.getcwd())] = name
        return module
    if os.getcwd() not in sys.path and "" not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(module_part)
    except ModuleNotFoundError as exc:
        raise ModelsError(
            f"cannot import {module_part}: no module named {exc.name!r}",
            hint="install the package or run from the directory that holds it",
        ) from exc
    except SyntaxError as exc:
        raise ModelsError(
            f"{module_part} is not valid Python ({exc.filename}, line {exc.lineno}: {exc.msg})",
            hint="fix the syntax error in the models module",
        ) from exc
    except SystemExit as exc:
        raise _exited(module_part, exc) from exc
    except Exception as exc:
        raise _import_failed(module_part, exc) from exc


def _exited(what: str, exc: SystemExit) -> ModelsError:
    """A models module that exits while imported: its exit status must not become schemaguard's
    (3 would read as "database unreachable")."""
    return ModelsError(
        f"importing {what} called sys.exit({exc.code!r})",
        hint="a models module must not exit when imported: put script code under if __name__ == '__main__'",
    )


def _import_failed(what: str, exc: BaseException) -> ModelsError:
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}, line {frames[-1].lineno})" if frames else ""
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
    return ModelsError(
        f"importing {what} raised {exc.__class__.__name__}{where}" + (f": {first}" if first else ""),
        hint="fix the error in the models or run with --debug for the traceback",
    )


def _collect(obj: Any, target: str) -> tuple[list[MetaData], list[Any]]:
    from sqlalchemy import MetaData

    metadatas: list[MetaData] = []
    registries: list[Any] = []
    items: Iterable[Any] = obj if isinstance(obj, (list, tuple, set)) else [obj]
    for item in items:
        if isinstance(item, MetaData):
            metadatas.append(item)
            continue
        md = getattr(item, "metadata", None)
        if isinstance(md, MetaData):
            metadatas.append(md)
            reg = _registry_of(item)
            if reg is not None:
                registries.append(reg)
            continue
        raise ModelsError(
            f"{target} is a {type(item).__name__}, not SQLAlchemy models",
            hint="name a MetaData, a declarative base (anything with .metadata), or a list of them",
        )
    if not metadatas:
        raise ModelsError(f"{target} holds no MetaData", hint="name a MetaData or a declarative base")
    return metadatas, registries


def _registry_of(base: Any) -> Any:
    """Where model source lines are looked up for a declarative base: its registry, whose mappers
    name each table's class; or, when some of its classes are not mapped (a DeferredReflection
    class not yet prepared: listing the mappers raises), its table-bearing subclasses."""
    reg = getattr(base, "registry", None)
    if reg is None:
        return None
    try:
        reg.mappers  # noqa: B018 -- raises UnmappedClassError while a class is unmapped
    except AttributeError:
        return None
    except Exception:
        entries: list[tuple[type, Any]] = []
        # The registry's mapped classes (imperative mappings included) ...
        for manager in list(getattr(reg, "_managers", ())):
            if getattr(manager, "is_mapped", False):
                entries.append((manager.mapper.class_, manager.mapper.local_table))
        # ... and the base's subclasses that have a table but no mapper yet.
        todo: list[type] = list(type.__subclasses__(base)) if isinstance(base, type) else []
        seen: set[int] = set()
        while todo:
            cls = todo.pop(0)
            if id(cls) in seen:
                continue
            seen.add(id(cls))
            todo.extend(type.__subclasses__(cls))
            table = vars(cls).get("__table__")
            if table is not None and "__mapper__" not in vars(cls):
                entries.append((cls, table))
        return ClassTables(entries)
    return reg


def declared_tables(metadatas: list[MetaData]) -> list[SATable]:
    """Every table of the given metadata objects, in dependency order where it can be known.

    Tables of every schema are kept: which of them are compared is decided against the live
    database's schema (compare.check), and the others still count as existing FK targets.
    """
    return declared_tables_and_repeats(metadatas)[0]


def declared_tables_and_repeats(metadatas: list[MetaData]) -> tuple[list[SATable], list[tuple[SATable, SATable]]]:
    """The tables as declared_tables gives them (the first declaration of each (schema, name)),
    and (first, other) for each further Table object that declares the same table again: several
    MetaData that each declare a shared table (dagster's `secondary_indexes`)."""
    seen: dict[tuple[str | None, str], SATable] = {}
    repeats: list[tuple[SATable, SATable]] = []
    for md in metadatas:
        for table in _sorted_tables(md):
            key = (table.schema, table.name)
            first = seen.get(key)
            if first is None:
                seen[key] = table
            elif first is not table and all(other is not table for _, other in repeats):
                repeats.append((first, table))
    return list(seen.values()), repeats


def single_schema(metadatas: list[MetaData]) -> str | None:
    """The one schema every declared table names (Table(..., schema="app")), else None."""
    names = {t.schema for md in metadatas for t in md.tables.values()}
    if len(names) == 1:
        (only,) = names
        return only
    return None


def _sorted_tables(md: MetaData) -> list[SATable]:
    # sorted_tables resolves foreign keys, which raises for a target that does not exist
    # (ForeignKey("Users.id") when the table is users): those models must still load.
    import warnings

    from sqlalchemy.exc import SAWarning, SQLAlchemyError

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", SAWarning)
            return list(md.sorted_tables)
    except SQLAlchemyError:
        return list(md.tables.values())


def _ddl_default(column: Any, dialect: Dialect, cache: dict[Any, str | None] | None = None) -> str | None:
    server_default = column.server_default
    if server_default is None:
        return None
    # Compiling `func.now()` for each of thousands of columns is most of a models snapshot's time:
    # equal default expressions (by SQLAlchemy's own cache key, bound values included) compile once.
    key = _default_key(server_default) if cache is not None else None
    if key is not None and cache is not None and key in cache:
        return cache[key]
    compiler = dialect.ddl_compiler(dialect, None)  # type: ignore[arg-type]  # no statement: only its helpers
    try:
        text = compiler.get_column_default_string(column)
    except Exception:
        arg = getattr(server_default, "arg", None)
        text = str(arg) if arg is not None else None
    if key is not None and cache is not None:
        cache[key] = text
    return text


def _default_key(server_default: Any) -> tuple[Any, ...] | None:
    from sqlalchemy.schema import DefaultClause
    from sqlalchemy.sql.cache_key import HasCacheKey
    from sqlalchemy.sql.elements import False_, Null, TextClause, True_

    if type(server_default) is not DefaultClause:
        return None
    arg: Any = server_default.arg
    if isinstance(arg, str):
        return ("str", arg)
    kind = type(arg)
    if kind is TextClause and not arg._bindparams:
        return ("text", arg.text)  # text("0"), the most common kind: no need to build a cache key
    if kind in (True_, False_, Null):
        return (kind.__name__,)
    try:
        # HasCacheKey's own method, not the element's: that one memoizes the key on the model's
        # expression (about 300 bytes each, kept for the life of the process).
        cache_key = HasCacheKey._generate_cache_key(arg) if isinstance(arg, HasCacheKey) else None
        if cache_key is None:
            return None
        # Bound values by type and spelling, not by equality: 1, 1.0, True and Decimal("1.00") are
        # equal in Python and render differently.
        key = (cache_key.key, tuple((type(v), repr(v)) for v in (bp.effective_value for bp in cache_key.bindparams)))
        hash(key)
    except Exception:  # an element SQLAlchemy cannot key, or an unhashable bound value
        return None
    return key


def _fk_target(fk: Any) -> tuple[str | None, str, str]:
    """(schema, table, column) of a ForeignKey exactly as the model wrote it, without resolving
    it: resolving raises NoReferencedTableError when the target is named in the wrong case."""
    tokens = getattr(fk, "_column_tokens", None)
    if tokens and len(tokens) == 3:
        schema, table, column = tokens
        if table is not None:
            return schema, str(table), str(column)
    spec = fk.target_fullname
    parts = spec.split(".")
    if len(parts) >= 3:
        return ".".join(parts[:-2]), parts[-2], parts[-1]
    return None, parts[0], parts[-1]


def _autoincrement(table: Any, column: Any, dialect: Dialect, type_text: str | None) -> bool:
    if dialect_of(dialect).rowid_autoincrement:
        # Only a lone INTEGER PRIMARY KEY is the auto-numbered rowid, whatever the model says.
        pk = list(table.primary_key)  # iterating: .columns is memoized on the constraint
        return len(pk) == 1 and pk[0] is column and type_text == "INTEGER"
    if column.identity is not None:
        return True
    try:
        auto = table.autoincrement_column
    except Exception:
        return False
    if auto is not column:
        return False
    from sqlalchemy import Sequence

    if isinstance(column.default, Sequence) and not (column.default.optional and dialect.sequences_optional):
        # Column(Sequence(...)): the application fetches nextval itself; the column is a plain
        # INTEGER without a default (an optional Sequence gives way to SERIAL where there is one).
        return column.server_default is not None and is_sequence_default(
            str(getattr(column.server_default, "arg", ""))
        )
    default = column.server_default
    return default is None or is_sequence_default(str(getattr(default, "arg", "")))


def _identity(column: Any, dialect: Dialect) -> str | None:
    """"always" or "by default" for a column declared with Identity(), on a database that has
    identity columns (SQLite has none: there Identity() is the rowid, as autoincrement)."""
    identity = column.identity
    if identity is None or not getattr(dialect, "supports_identity_columns", False):
        return None
    return "always" if identity.always else "by default"


def _generated(column: Any, dialect: Dialect) -> str | None:
    """The folded expression of a column declared with Computed("...")."""
    computed = column.computed
    if computed is None:
        return None
    return generated_expression(_compiled(computed.sqltext, dialect), dialect.name)


def _info(item: Any) -> dict[str, Any]:
    """A schema item's `info` dict without creating it: SQLAlchemy makes `.info` on first access
    and stores it in the object's __dict__, which grows that dict for every column read (about
    1.5 kB a column: 60 MB at 5,000 tables)."""
    info = vars(item).get("info")
    return info if isinstance(info, dict) else {}


def table_snapshot(
    table: Any, dialect: Dialect, sources: SourceIndex | None = None, cache: dict[Any, Any] | None = None
) -> Table:
    """One declared table as a snapshot Table (`cache`: shared by the tables of one snapshot)."""
    from sqlalchemy import UniqueConstraint as SAUnique

    ours = dialect_of(dialect)
    columns = []
    for col in table.columns:
        type_text = canonical_type(col.type, dialect)
        ddl_default = _ddl_default(col, dialect, cache)
        columns.append(
            Column(
                name=col.name,
                type=type_text,
                nullable=bool(col.nullable) and not col.primary_key,
                default=None if is_sequence_default(ddl_default) else ours.normalize_default(ddl_default, type_text),
                autoincrement=_autoincrement(table, col, dialect, type_text),
                key=col.key if col.key != col.name else None,
                renamed_from=_info(col).get("renamed_from"),
                source=sources.column(table, col) if sources else None,
                identity=_identity(col, dialect),
                generated=_generated(col, dialect),
                comment=col.comment if col.comment and dialect.supports_comments else None,
            )
        )
    indexes = []
    for idx in sorted(table.indexes, key=lambda i: str(i.name)):
        parts, options = [], []
        ops = _info_ops(idx, dialect)
        lengths = _info_lengths(idx, dialect)
        for expr in idx.expressions:
            key, opts = index_element_of(expr, dialect, ops, lengths)
            parts.append(key)
            options.append(opts)
        indexes.append(
            Index(
                name=str(idx.name) if idx.name else None,
                columns=tuple(parts),
                unique=bool(idx.unique),
                source=sources.index(table, idx) if sources else None,
                options=tuple(options) if any(options) else (),
            )
        )
    uniques = []
    for cons in table.constraints:
        if isinstance(cons, SAUnique):
            uniques.append(
                UniqueConstraint(
                    name=str(cons.name) if isinstance(cons.name, str) else None,
                    columns=tuple(c.name for c in cons),
                    source=sources.table(table) if sources else None,
                )
            )
    fks = []
    for fkc in table.foreign_key_constraints:
        elements = list(fkc.elements)
        targets = [_fk_target(e) for e in elements]
        fks.append(
            ForeignKey(
                name=str(fkc.name) if isinstance(fkc.name, str) else None,
                columns=tuple(e.parent.name for e in elements),
                ref_schema=targets[0][0],
                ref_table=targets[0][1],
                ref_columns=tuple(t[2] for t in targets),
                ondelete=ours.fk_action((fkc.ondelete or "NO ACTION").upper()),
                onupdate=ours.fk_action((fkc.onupdate or "NO ACTION").upper()),
                source=sources.column(table, elements[0].parent) if sources else None,
            )
        )
    return Table(
        name=table.name,
        columns=tuple(columns),
        primary_key=tuple(c.name for c in table.primary_key),
        indexes=tuple(indexes),
        uniques=tuple(sorted(uniques, key=lambda u: u.columns)),
        foreign_keys=tuple(sorted(fks, key=lambda f: f.columns)),
        renamed_from=_info(table).get("renamed_from"),
        model=sources.model_name(table) if sources else None,
        source=sources.table(table) if sources else None,
        schema=table.schema,
        checks=_checks(table, dialect, sources),
    )


def _checks(table: Any, dialect: Dialect, sources: SourceIndex | None) -> tuple[Check, ...]:
    """The table's CHECK constraints, table-level and column-level, as CREATE TABLE renders them
    here: the expression compiled for the dialect with literals inline. The CHECKs SQLAlchemy
    makes for a Boolean/Enum type are kept only where CREATE TABLE would emit them (a database
    without the native type), marked `generated`."""
    from sqlalchemy import CheckConstraint

    found = [c for c in table.constraints if isinstance(c, CheckConstraint)]
    for col in table.columns:
        found += [c for c in col.constraints if isinstance(c, CheckConstraint) and c not in found]
    if not found:
        return ()
    ddl = dialect.ddl_compiler(dialect, None)  # type: ignore[arg-type]  # only its .dialect is read
    out: list[Check] = []
    seen: set[tuple[str | None, str]] = set()
    for cons in found:
        generated = bool(getattr(cons, "_type_bound", False))
        rule = getattr(cons, "_create_rule", None)
        if rule is not None and not rule(ddl):
            continue  # not emitted here: a native BOOLEAN or ENUM type does the job
        name = cons.name if isinstance(cons.name, str) and not isinstance(cons.name, enum.Enum) else None
        try:
            text = str(dialect.statement_compiler(dialect, None).process(
                cons.sqltext, include_table=False, literal_binds=True))
        except Exception:  # noqa: BLE001 - an expression the dialect cannot render: as SQLAlchemy prints it
            text = str(cons.sqltext)
        else:
            if dialect.paramstyle in ("format", "pyformat"):
                # Compiled for a driver that reads % as a parameter marker: '50%' came out as
                # '50%%'. The expression is kept as the database has it (and as DDL is rendered from).
                text = text.replace("%%", "%")
        if name is not None:
            # The same named constraint attached again (a model that re-declares its table's args)
            # is one CHECK. Unnamed copies are not folded: create_all emits each one, so the
            # database holds as many as the model declares.
            if (name, text) in seen:
                continue
            seen.add((name, text))
        out.append(Check(name=name, expression=text, generated=generated,
                         source=sources.table(table) if sources else None))
    return tuple(sorted(out, key=lambda k: (k.name or "", k.expression)))


def _unordered(expr: Any) -> Any:
    """An index element without its ASC/DESC/NULLS FIRST/LAST and COLLATE."""
    return _element_parts(expr)[0]


def _element_parts(expr: Any) -> tuple[Any, bool, str | None, str | None]:
    """(the element under its modifiers, descending, NULLS FIRST/LAST, collation) of an index
    element written as a SQL expression: `col.desc().nullslast()`, `sa.desc(col)`, `col.collate("C")`."""
    from sqlalchemy.sql import operators
    from sqlalchemy.sql.elements import BinaryExpression, CollationClause, UnaryExpression

    descending, nulls, collation = False, None, None
    while True:
        if isinstance(expr, UnaryExpression) and expr.modifier in (operators.desc_op, operators.asc_op):
            descending = descending or expr.modifier is operators.desc_op
        elif isinstance(expr, UnaryExpression) and expr.modifier in (operators.nulls_first_op, operators.nulls_last_op):
            nulls = nulls or ("FIRST" if expr.modifier is operators.nulls_first_op else "LAST")
        elif isinstance(expr, BinaryExpression) and expr.operator is operators.collate and isinstance(expr.right, CollationClause):
            collation = collation or str(expr.right.collation)
            expr = expr.left
            continue
        else:
            return expr, descending, nulls, collation
        expr = expr.element


def _info_ops(idx: Any, dialect: Dialect) -> dict[str, str]:
    """The operator classes an index names for this database (`postgresql_ops`), by element."""
    if not dialect_of(dialect).index_operator_classes:
        return {}
    # Read without touching `dialect_options`, which SQLAlchemy creates on first access: an index
    # given no dialect keywords has none to read.
    given = vars(idx).get("dialect_options")
    ops = given[dialect.name].get("ops") if given is not None and dialect.name in given else None
    return {str(k): str(v) for k, v in (ops or {}).items()}


def _info_lengths(idx: Any, dialect: Dialect) -> int | dict[str, int] | None:
    """The prefix lengths an index declares for MySQL (`mysql_length`: one for every element, or
    by column name), where the database indexes prefixes."""
    if not dialect_of(dialect).index_prefix_lengths:
        return None
    given = vars(idx).get("dialect_options")
    if given is None:
        return None
    for name in (dialect.name, "mysql", "mariadb"):
        if name in given:
            length = given[name].get("length")
            if length is not None:
                return length  # type: ignore[no-any-return]
    return None


def _prefix_length(column: Any, lengths: int | dict[str, int] | None) -> int | None:
    """The prefix of `column` an index element covers; None for the whole column (the server keeps
    no prefix that covers all of a CHAR/VARCHAR/BINARY column's characters)."""
    from sqlalchemy import LargeBinary, Text

    if lengths is None:
        return None
    length = lengths if isinstance(lengths, int) else lengths.get(column.name)
    if length is None:
        return None
    size = getattr(column.type, "length", None)
    if not isinstance(column.type, (Text, LargeBinary)) and isinstance(size, int) and length >= size:
        return None
    return int(length)


def index_element_of(
    expr: Any, dialect: Dialect, ops: dict[str, str] | None = None, lengths: int | dict[str, int] | None = None
) -> tuple[str, str]:
    """(key, options) of one declared index element, as the database reports it back: a column
    name or folded expression, and its non-default ordering, collation, operator class and prefix
    length (`lengths`: a MySQL index's `mysql_length`)."""
    from sqlalchemy import Column as SAColumn
    from sqlalchemy.sql.elements import TextClause

    inner, descending, nulls, collation = _element_parts(expr)
    if not dialect_of(dialect).index_nulls_order:
        nulls = None  # not part of an index there (SQLite): the database cannot hold it
    opclass = None
    length = None
    if isinstance(inner, SAColumn):
        key = inner.name
        opclass = (ops or {}).get(key)
        length = _prefix_length(inner, lengths)
    elif isinstance(inner, str):
        key = inner
        opclass = (ops or {}).get(key)
    else:
        text = inner.text if isinstance(inner, TextClause) else _compiled(inner, dialect)
        # Modifiers written inside the text (`text("b DESC")`) count as those around it.
        key, _, w_desc, w_nulls, w_coll, opclass = parse_index_element(text, dialect.name)
        descending = descending or w_desc
        nulls = nulls or w_nulls
        collation = collation or w_coll
        if not dialect_of(dialect).index_nulls_order:
            nulls = None
        opclass = (ops or {}).get(text, opclass)
    if not dialect_of(dialect).index_operator_classes:
        opclass = None
    return key, element_options(descending=descending, nulls=nulls, collation=collation, opclass=opclass,
                                length=length)


def _compiled(expr: Any, dialect: Dialect) -> str:
    # As CREATE INDEX renders it: column names without their table, literals inline. The database
    # hands back `lower(email)`, never `lower(users.email)`.
    try:
        compiler = dialect.statement_compiler(dialect, None)
        return str(compiler.process(expr, include_table=False, literal_binds=True))
    except Exception:
        return str(expr)


def _expression_text(expr: Any, dialect: Dialect) -> str:
    return normalize_expression(_compiled(expr, dialect))


def declared_snapshot(
    metadatas: Any,
    dialect: Dialect | str = "postgresql",
    *,
    schema: str | None = None,
    label: str = "",
    registries: list[Any] | None = None,
) -> Schema:
    """The declared Schema of SQLAlchemy MetaData (or a declarative base, or a list) for a dialect."""
    from sqlalchemy import MetaData

    from .locate import SourceIndex

    if isinstance(dialect, str):
        dialect = sqlalchemy_dialect(dialect)
    if isinstance(metadatas, MetaData) or hasattr(metadatas, "metadata"):
        metadatas = [metadatas]
    mds: list[MetaData] = []
    regs = list(registries or [])
    for item in metadatas:
        if isinstance(item, MetaData):
            mds.append(item)
        else:
            mds.append(item.metadata)
            reg = _registry_of(item)
            if reg is not None and reg not in regs:
                regs.append(reg)
    sources = SourceIndex(regs)
    cache: dict[Any, Any] = {}
    sa_tables, repeats = declared_tables_and_repeats(mds)
    tables = [table_snapshot(t, dialect, sources, cache) for t in sa_tables]
    tables = _resolve_fk_column_types(tables)
    alternates = _alternates(tables, repeats, dialect, sources, cache)
    return Schema(
        dialect=dialect.name,
        tables=tuple(tables),
        origin="declared",
        schema=schema if schema is not None else single_schema(mds),
        label=label,
        alternates=tuple(alternates),
    )


def _alternates(
    tables: list[Table], repeats: list[tuple[Any, Any]], dialect: Dialect, sources: SourceIndex, cache: dict[Any, Any]
) -> list[Table]:
    """The further declarations of a table that differ from its first one once normalized (an
    identical one is the same table, and adds nothing); each knows where it is written."""
    from dataclasses import replace

    from .locate import core_table_source

    by_key = {(t.schema, t.name): t for t in tables}
    out: list[Table] = []
    for first, other in repeats:
        kept = by_key[(first.schema, first.name)]
        snap = _resolve_fk_column_types([*tables, table_snapshot(other, dialect, sources, cache)])[-1]
        if shape(snap) == shape(kept):
            continue
        if kept.source is None:
            where = core_table_source(first)
            if where is not None:
                kept = by_key[(first.schema, first.name)] = replace(kept, source=where)
                tables[:] = [kept if (t.schema, t.name) == (kept.schema, kept.name) else t for t in tables]
        out.append(snap if snap.source is not None else replace(snap, source=core_table_source(other)))
    return out


def shape(t: Table) -> Table:
    """A table without where it is written, for comparing two declarations of it."""
    from dataclasses import replace

    return replace(
        t,
        source=None,
        model=None,
        columns=tuple(replace(c, source=None, key=None) for c in t.columns),
        indexes=tuple(replace(i, source=None) for i in t.indexes),
        uniques=tuple(replace(u, source=None) for u in t.uniques),
        foreign_keys=tuple(replace(f, source=None) for f in t.foreign_keys),
    )


def _resolve_fk_column_types(tables: list[Table]) -> list[Table]:
    """A column declared as Column(ForeignKey(...)) without a type takes its target's type, as
    SQLAlchemy does when it resolves the key; the target is looked up case-insensitively so that a
    wrongly-cased target still gives the column a type."""
    from dataclasses import replace

    from ..schema.naming import fold

    by_fold: dict[str, Table] = {}
    for t in tables:
        by_fold.setdefault(fold(t.name), t)
    out = []
    for t in tables:
        cols = list(t.columns)
        changed = False
        for i, col in enumerate(cols):
            if col.type is not None:
                continue
            for fk in t.foreign_keys:
                if col.name in fk.columns:
                    target = t if fold(fk.ref_table) == fold(t.name) else by_fold.get(fold(fk.ref_table))
                    ref_name = fk.ref_columns[fk.columns.index(col.name)]
                    ref = None
                    if target is not None:
                        ref = next((c for c in target.columns if fold(c.name) == fold(ref_name)), None)
                    if ref is not None and ref.type is not None:
                        cols[i] = replace(col, type=ref.type)
                        changed = True
                    break
        out.append(replace(t, columns=tuple(cols)) if changed else t)
    return out

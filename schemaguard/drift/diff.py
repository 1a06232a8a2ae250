"""Pure comparison of two Schemas into typed changes, naming mismatches paired, never drop + add.

Matching follows migra's shape (keyed dicts, exact names first) and then pairs what is left over by
a folded name (case, quoting, underscores), so that `Users`/`users` and `userId`/`user_id` become
one naming change. Indexes, uniques and foreign keys are matched by a name-independent signature
with column names translated through those pairings, so a key that follows a renamed column is
part of the naming change rather than a second one.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from ..dialects import Dialect, dialect_of
from ..schema.expressions import check_columns
from ..schema.naming import fold, style, to_snake
from ..schema.snapshot import Check, Column, ForeignKey, Index, Schema, Table, UniqueConstraint
from ..schema.types import enum_labels, is_narrowing

T = TypeVar("T", Table, Column)


@dataclass(frozen=True)
class Change:
    """One difference between the declared and the live schema, before it is judged."""

    kind: str
    table: str | None
    column: str | None = None
    declared: Any = None
    live: Any = None
    declared_table: Table | None = None
    live_table: Table | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    # "sqlalchemy" or "sequelize": which declared source, so that hints speak its language.
    flavor: str = "sqlalchemy"


@dataclass
class Pairing:
    """The result of matching two name-keyed collections."""

    exact: list[tuple[Any, Any]]
    renamed: list[tuple[Any, Any]]  # declared says renamed_from=<live name>
    folded: list[tuple[Any, Any]]  # names equal after fold(): a naming mismatch
    only_declared: list[Any]
    only_live: list[Any]

    def mapping(self) -> dict[str, str]:
        """declared name -> live name for every pair."""
        return {d.name: lv.name for d, lv in (*self.exact, *self.renamed, *self.folded)}


def pair(declared: Iterable[T], live: Iterable[T]) -> Pairing:
    d_by = {x.name: x for x in declared}
    l_by = {x.name: x for x in live}
    if d_by.keys() == l_by.keys():  # the usual case, every name on both sides
        return Pairing(exact=[(d, l_by[n]) for n, d in d_by.items()], renamed=[], folded=[],
                       only_declared=[], only_live=[])
    exact = [(d_by[n], l_by[n]) for n in d_by if n in l_by]
    left_d = [d for n, d in d_by.items() if n not in l_by]
    left_l = {n: lv for n, lv in l_by.items() if n not in d_by}
    renamed = []
    for d in list(left_d):
        old = getattr(d, "renamed_from", None)
        if old and old in left_l:
            renamed.append((d, left_l.pop(old)))
            left_d.remove(d)
    # Pair by folded name only when the fold is unambiguous on both sides.
    d_fold: dict[str, list[Any]] = {}
    for d in left_d:
        d_fold.setdefault(fold(d.name), []).append(d)
    l_fold: dict[str, list[Any]] = {}
    for lv in left_l.values():
        l_fold.setdefault(fold(lv.name), []).append(lv)
    folded = []
    for key, ds in d_fold.items():
        ls = l_fold.get(key, [])
        if len(ds) == 1 and len(ls) == 1:
            folded.append((ds[0], ls[0]))
    paired_d = {id(d) for d, _ in folded}
    paired_l = {id(lv) for _, lv in folded}
    return Pairing(
        exact=exact,
        renamed=renamed,
        folded=folded,
        only_declared=[d for d in left_d if id(d) not in paired_d],
        only_live=[lv for lv in left_l.values() if id(lv) not in paired_l],
    )


def diff(declared: Schema, live: Schema, *, outside: Iterable[Table] = ()) -> list[Change]:
    """Every difference between a declared and a live Schema, as typed changes.

    `outside` holds declared tables left out of the comparison (--include/--exclude): they are not
    compared, but a foreign key that points at one of them points at something that exists.
    """
    changes: list[Change] = []
    if not dialect_of(live.dialect).compares_index_options:
        declared = _without_index_options(declared)
    elif live.index_directions is False:
        # The server takes DESC and builds the index ascending (MariaDB before 10.8, MySQL 5.7):
        # the direction cannot differ there; the rest of an element's options still can.
        declared = _without_index_options(declared, keep=lambda o: o != "DESC")
    tables = pair(declared.tables, live.tables)
    table_map = tables.mapping()
    live_by_name = {t.name: t for t in live.tables}
    declared_by_name = {t.name: t for t in declared.tables}
    resolver = _Resolver(declared, live, table_map, outside, home_schemas(live))
    # What the live database's module says about names and types; the server's settings come as
    # data on the live Schema (lower_case_table_names), never from a connection.
    ours = resolver.dialect
    table_note = ours.table_name_note(live) if tables.folded else None

    for d in tables.only_declared:
        changes.append(Change("table_missing", d.name, declared=d, declared_table=d))
    for lv in tables.only_live:
        changes.append(Change("table_extra", lv.name, live=lv, live_table=lv))
    for d, lv in tables.renamed:
        changes.append(
            Change(
                "table_missing",
                d.name,
                declared=d,
                live=lv,
                declared_table=d,
                live_table=lv,
                details={"renamed_from": lv.name},
            )
        )
    for d, lv in tables.folded:
        changes.append(
            Change(
                "table_name_case",
                lv.name,
                declared=d.name,
                live=lv.name,
                declared_table=d,
                live_table=lv,
                details={"server_note": table_note} if table_note else {},
            )
        )
    unchanged = _unchanged_tables(tables.exact, resolver)
    for d, lv in (*tables.exact, *tables.renamed, *tables.folded):
        if id(d) not in unchanged:
            changes.extend(_diff_table(d, lv, resolver))
    for d in declared.tables:
        if id(d) not in unchanged:
            changes.extend(_declared_reference_checks(d, resolver, declared_by_name, live_by_name))
    changes.extend(_mixed_naming(declared, live, table_map))
    changes = _one_per_enum_type(changes)
    if declared.flavor != "sqlalchemy":
        changes = [replace(c, flavor=declared.flavor) for c in changes]
    return changes


_COLUMN_SHAPE = operator.attrgetter("name", "type", "nullable", "default", "autoincrement", "identity", "generated")
_INDEX_SHAPE = operator.attrgetter("name", "columns", "unique", "options")
# Uniques are matched by their columns alone (a model's unique=True has no name; PostgreSQL names it).
_UNIQUE_SHAPE = operator.attrgetter("columns")


def _unchanged_tables(exact: list[tuple[Table, Table]], resolver: _Resolver) -> set[int]:
    """The declared tables (by id) that _diff_table and _declared_reference_checks would find
    nothing in, recognised without running them: most tables of most schemas.

    A table qualifies when the two sides hold the same columns, key, indexes (with their names)
    and uniques, in the same order, and the same foreign keys; and each of its foreign keys
    points, by its exact name, at a declared table that itself qualifies on that first count and
    has the referenced columns under their exact names. Such a key resolves to itself, matches
    its live twin and has the types of its target: nothing to report. Any other table, or any
    doubt (an order that differs, a name the database spells differently), takes the full path.
    """
    same: dict[int, Table] = {}
    for d, lv in exact:
        if (
            d.primary_key == lv.primary_key
            and len(d.columns) == len(lv.columns)
            and tuple(map(_COLUMN_SHAPE, d.columns)) == tuple(map(_COLUMN_SHAPE, lv.columns))
            and tuple(map(_INDEX_SHAPE, d.indexes)) == tuple(map(_INDEX_SHAPE, lv.indexes))
            and tuple(map(_UNIQUE_SHAPE, d.uniques)) == tuple(map(_UNIQUE_SHAPE, lv.uniques))
            and _fk_shapes(d, resolver) == _fk_shapes(lv, resolver)
            and not d.checks
            and not lv.checks
        ):
            same[id(d)] = d
    unchanged = set()
    for key, d in same.items():
        for fk in d.foreign_keys:
            target = resolver.declared.get(resolver.key(fk.ref_schema, fk.ref_table))
            if target is None or id(target) not in same or any(target.column(c) is None for c in fk.ref_columns):
                break
        else:
            unchanged.add(key)
    return unchanged


def _fk_shapes(t: Table, resolver: _Resolver) -> tuple[tuple[Any, ...], ...]:
    return tuple(
        (f.columns, f.ref_table, f.ref_columns, resolver.target_schema(f.ref_schema), f.ondelete, f.onupdate)
        for f in t.foreign_keys
    )


class _Resolver:
    """Finds where a declared foreign key really points, on either side, by exact then folded name."""

    def __init__(
        self,
        declared: Schema,
        live: Schema,
        table_map: dict[str, str],
        outside: Iterable[Table] = (),
        home: frozenset[str | None] = frozenset({None}),
    ) -> None:
        self.home = home
        self.dialect: Dialect = dialect_of(live.dialect)
        self.live_schema = live
        self.declared = {self.key(t.schema, t.name): t for t in (*declared.tables, *outside)}
        self.live = {t.name: t for t in live.tables}
        self.table_map = table_map
        self.declared_fold = _unique_fold(self.declared)
        self.live_fold = _unique_fold(self.live)
        self._col_maps: dict[str, dict[str, str]] = {}
        self._tables: dict[str, tuple[Table | None, Table | None, bool]] = {}

    def set_column_map(self, declared_table: str, mapping: dict[str, str]) -> None:
        self._col_maps[declared_table] = mapping

    def column_map(self, declared_table: str) -> dict[str, str]:
        return self._col_maps.get(declared_table, {})

    def key(self, schema: str | None, name: str) -> str:
        """A table's name as this comparison knows it: bare in the compared schema, else qualified."""
        return name if schema in self.home else f"{schema}.{name}"

    def target_schema(self, schema: str | None) -> str | None:
        """None for the compared schema (however it was spelled), else the schema's name."""
        return None if schema in self.home else schema

    def fk_table(self, fk: ForeignKey) -> tuple[Table | None, Table | None, bool]:
        return self.table(self.key(fk.ref_schema, fk.ref_table))

    def table(self, name: str) -> tuple[Table | None, Table | None, bool]:
        """(declared table, live table, exact) for an FK target name (the tables and their pairing
        are fixed once the comparison starts: each name is looked up once)."""
        found = self._tables.get(name)
        if found is None:
            found = self._tables[name] = self._table(name)
        return found

    def _table(self, name: str) -> tuple[Table | None, Table | None, bool]:
        d = self.declared.get(name)
        exact = d is not None or name in self.live
        if d is None and not exact:
            d = self.declared_fold.get(fold(name))
        lv: Table | None
        if d is not None and d.name in self.table_map:
            lv = self.live.get(self.table_map[d.name])
        else:
            lv = self.live.get(name) or (None if exact else self.live_fold.get(fold(name)))
            if lv is None and d is not None:
                lv = self.live.get(d.name)
        return d, lv, exact


def _unique_fold(tables: Mapping[str, Table]) -> dict[str, Table]:
    out: dict[str, Table] = {}
    dup: set[str] = set()
    for t in tables.values():
        key = fold(t.name)
        if key in out:
            dup.add(key)
        out[key] = t
    return {k: v for k, v in out.items() if k not in dup}


def _find_column(table: Table | None, name: str) -> tuple[Column | None, bool]:
    if table is None:
        return None, False
    col = table.column(name)
    if col is not None:
        return col, True
    matches = [c for c in table.columns if fold(c.name) == fold(name)]
    return (matches[0], False) if len(matches) == 1 else (None, False)


def _diff_table(d: Table, lv: Table, resolver: _Resolver) -> list[Change]:
    out: list[Change] = []
    name = lv.name
    cols = pair(d.columns, lv.columns)
    colmap = cols.mapping()
    resolver.set_column_map(d.name, colmap)

    def ch(kind: str, **kw: Any) -> Change:
        return Change(kind, name, declared_table=d, live_table=lv, **kw)

    for c in cols.only_declared:
        out.append(ch("column_missing", column=c.name, declared=c))
    for c in cols.only_live:
        out.append(ch("column_extra", column=c.name, live=c))
    for dc, lc in cols.renamed:
        out.append(ch("column_missing", column=dc.name, declared=dc, live=lc, details={"renamed_from": lc.name}))
    for dc, lc in cols.folded:
        note = resolver.dialect.column_name_note(dc.name, lc.name)
        details: dict[str, Any] = {"server_note": note} if note else {}
        if resolver.dialect.column_case_harmless(dc.name, lc.name):
            details["queries_work"] = True
        out.append(ch("column_name_style", column=lc.name, declared=dc, live=lc, details=details))
    live_schema = resolver.live_schema

    def implicit(dc: Column, lc: Column) -> bool:
        return resolver.dialect.implicit_default(dc, lc, lv, live_schema)

    for dc, lc in (*cols.exact, *cols.renamed, *cols.folded):
        out.extend(_diff_column(dc, lc, ch, lv.primary_key, resolver.dialect, implicit))
    if d.checks is not None and lv.checks is not None and (d.checks or lv.checks):
        out.extend(_diff_checks(d, lv, d.checks, lv.checks, resolver.dialect, ch))

    # Primary key, compared as a set of (live) column names.
    d_pk = tuple(colmap.get(c, c) for c in d.primary_key)
    if set(d_pk) != set(lv.primary_key) and (d_pk or lv.primary_key):
        out.append(ch("primary_key_mismatch", declared=d_pk, live=lv.primary_key))

    out.extend(_diff_indexes(d, lv, colmap, ch, resolver.dialect))
    out.extend(_diff_foreign_keys(d, lv, colmap, resolver, ch))
    return out


def _diff_column(dc: Column, lc: Column, ch: Any, live_pk: tuple[str, ...], ours: Dialect,
                 implicit: Callable[[Column, Column], bool] | None = None) -> list[Change]:
    out = []
    if dc.type is not None and lc.type is not None and dc.type != lc.type and not ours.same_type(dc.type, lc.type):
        out.extend(_diff_type(dc, lc, ch, ours))
    if dc.nullable != lc.nullable:
        out.append(ch("nullable_mismatch", column=lc.name, declared=dc, live=lc))
    if dc.generated != lc.generated:
        # How the column gets its value: written by the application, or computed by the database.
        out.append(ch("default_mismatch", column=lc.name, declared=dc, live=lc, details={"generated": True}))
    elif dc.default != lc.default and not (implicit is not None and implicit(dc, lc)):
        # (A default the server gave the column by itself, the model declaring none, is not drift.)
        out.append(ch("default_mismatch", column=lc.name, declared=dc, live=lc))
    elif dc.identity is not None and dc.identity != lc.identity and lc.autoincrement:
        # The model asks for an identity (Identity()) and the database numbers the column by a
        # serial sequence or the other kind of identity: inserts work, but explicit ids, resets and
        # dumps behave differently. A model that only says autoincrement takes either spelling.
        out.append(ch("default_mismatch", column=lc.name, declared=dc, live=lc, details={"identity": True}))
    elif dc.autoincrement and not lc.autoincrement and lc.name in live_pk:
        # Only for a key column: without the key, primary_key_mismatch already says it all.
        out.append(
            ch("default_mismatch", column=lc.name, declared=dc, live=lc, details={"autoincrement": True})
        )
    return out


def _diff_type(dc: Column, lc: Column, ch: Any, ours: Dialect) -> list[Change]:
    """A type that differs; between two native enums, by label: a label the database lacks, a
    label only the database has, or the same labels in another order (a type_mismatch: ORDER BY
    on the column sorts by label position)."""
    d_labels, l_labels = enum_labels(dc.type), enum_labels(lc.type)
    if d_labels is None or l_labels is None:
        return [ch("type_mismatch", column=lc.name, declared=dc, live=lc)]
    details: dict[str, Any] = {"declared_labels": d_labels, "live_labels": l_labels,
                               # a type of its own (ALTER TYPE) or the column's (MODIFY the column)
                               "enum_type": ours.native_enum_types}
    missing = tuple(x for x in d_labels if x not in l_labels)
    extra = tuple(x for x in l_labels if x not in d_labels)
    out = []
    if missing:
        out.append(ch("enum_label_missing", column=lc.name, declared=dc, live=lc,
                      details={**details, "labels": missing}))
    if extra:
        out.append(ch("enum_label_extra", column=lc.name, declared=dc, live=lc, details={**details, "labels": extra}))
    if not out:
        out.append(ch("type_mismatch", column=lc.name, declared=dc, live=lc, details={**details, "enum_order": True}))
    return out


def _one_per_enum_type(changes: list[Change]) -> list[Change]:
    """A label change of a native enum type once per type, not once per column that uses it: the
    type is one object in the database, changed once (ALTER TYPE). The change is reported on the
    first column (by table and column) and names every column in its details."""
    kinds = ("enum_label_missing", "enum_label_extra", "type_mismatch")
    groups: dict[tuple[str, str, str], list[Change]] = {}
    for c in changes:
        if c.kind in kinds and (c.kind != "type_mismatch" or c.details.get("enum_order")):
            groups.setdefault((c.kind, c.declared.type, c.live.type), []).append(c)
    if all(len(g) == 1 for g in groups.values()):
        return changes
    first: dict[int, Change] = {}
    dropped: set[int] = set()
    for group in groups.values():
        group.sort(key=lambda c: (c.table or "", c.column or ""))
        where = [f"{c.table}.{c.column}" for c in group]
        first[id(group[0])] = replace(group[0], details={**group[0].details, "columns": where})
        dropped.update(id(c) for c in group[1:])
    return [first.get(id(c), c) for c in changes if id(c) not in dropped]


def _diff_checks(d: Table, lv: Table, d_checks: tuple[Check, ...], l_checks: tuple[Check, ...], dialect: Dialect,
                 ch: Any) -> list[Change]:
    """CHECK constraints compared by meaning (Dialect.normalize_check): a named one is matched by
    name, then any by its meaning; what is left is paired when both read the same columns (one
    CHECK changed), else missing or extra. SQLAlchemy's own type CHECKs (Boolean, Enum on a
    database without the type) are never reported missing, nor, in the database, extra."""
    norm = dialect.normalize_check
    d_left = list(d_checks)
    l_left = list(l_checks)
    out: list[Change] = []

    def take(dk: Check, lk: Check) -> None:
        d_left.remove(dk)
        l_left.remove(lk)

    for dk in list(d_left):
        lk = next((x for x in l_left if dk.name and x.name == dk.name), None)
        if lk is not None:
            take(dk, lk)
            if norm(dk.expression) != norm(lk.expression):
                out.append(ch("check_mismatch", column=_check_column(dk, dialect), declared=dk, live=lk))
    for dk in list(d_left):
        lk = next((x for x in l_left if norm(x.expression) == norm(dk.expression)), None)
        if lk is not None:
            take(dk, lk)
    for dk in list(d_left):
        if dk.generated:
            continue
        cols = check_columns(dk.expression, dialect.check_sql)
        same = [x for x in l_left if cols and check_columns(x.expression, dialect.check_sql) == cols]
        others = [x for x in d_left if x is not dk and not x.generated
                  and check_columns(x.expression, dialect.check_sql) == cols]
        if len(same) == 1 and not others:
            take(dk, same[0])
            out.append(ch("check_mismatch", column=_check_column(dk, dialect), declared=dk, live=same[0]))
    for dk in d_left:
        if not dk.generated:
            out.append(ch("check_missing", column=_check_column(dk, dialect), declared=dk))
    types = {c.name.lower(): c.type for c in lv.columns}
    for lk in l_left:
        if not dialect.type_generated_check(norm(lk.expression), types):
            out.append(ch("check_extra", column=_check_column(lk, dialect), live=lk))
    return out


def _check_column(k: Check, dialect: Dialect) -> str | None:
    """The column a CHECK is about when it reads one column only."""
    cols = check_columns(k.expression, dialect.check_sql)
    return next(iter(cols)) if len(cols) == 1 else None


def _diff_indexes(d: Table, lv: Table, colmap: dict[str, str], ch: Any, ours: Dialect) -> list[Change]:
    out: list[Change] = []

    def sig(cols: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(colmap.get(c, c) for c in cols)

    # Unique constraints and unique indexes enforce the same thing; match them together, by the
    # set of columns, so that a UNIQUE constraint created as a unique index is not drift.
    d_uniques: list[tuple[frozenset[str], Index | UniqueConstraint]] = [
        (frozenset(sig(u.columns)), u) for u in d.uniques
    ] + [(frozenset(sig(i.columns)), i) for i in d.indexes if i.unique]
    l_uniques: list[tuple[frozenset[str], Index | UniqueConstraint]] = [
        (frozenset(u.columns), u) for u in lv.uniques
    ] + [(frozenset(i.columns), i) for i in lv.indexes if i.unique]
    l_left = list(l_uniques)
    # Unique indexes that are the same index on both sides (elements and their options, the same
    # name first) pair before anything is matched by columns alone: with an ascending and a
    # descending unique index on one column, each pairs with its own, not with a UNIQUE constraint.
    d_left = list(d_uniques)
    for same_name in (True, False):
        for entry in list(d_left):
            obj = entry[1]
            if not isinstance(obj, Index):
                continue
            pair = next((x for x in l_left if isinstance(x[1], Index) and x[1].columns == sig(obj.columns)
                         and _same_options(obj, x[1]) and (not same_name or x[1].name == obj.name)), None)
            if pair is not None:
                l_left.remove(pair)
                d_left.remove(entry)
    live_pk = frozenset(lv.primary_key)
    left_ids = {id(obj) for _, obj in d_left}
    seen: set[frozenset[str]] = {key for key, obj in d_uniques if id(obj) not in left_ids}
    for key, obj in d_left:
        # A live twin with the same options first: with an ascending and a descending unique index
        # on one column on both sides, each pairs with its own.
        hit = next((x for x in l_left if x[0] == key and not _reordered(obj, x[1], sig)), None)
        if hit is None:
            hit = next((x for x in l_left if x[0] == key), None)
        if hit is None and obj.name:
            # An expression index cannot be compared by text across dialects: match it by name.
            hit = next((x for x in l_left if x[1].name == obj.name and _is_expression(obj)), None)
        repeated = key in seen
        seen.add(key)
        if hit is not None:
            l_left.remove(hit)
            twin = hit[1]
            if _reordered(obj, twin, sig):
                # The same uniqueness, but not the same index: a DESC, COLLATE or prefix differs.
                out.append(ch("index_missing" if isinstance(obj, Index) else "unique_missing",
                              column=_single(sig(obj.columns)), declared=obj, details={"differs_from": twin}))
                out.append(ch("index_extra" if isinstance(twin, Index) else "unique_extra",
                              column=_single(twin.columns), live=twin, details={"differs_from": obj}))
            continue
        if repeated:
            continue  # the model declares the same uniqueness twice; SQLite keeps only one of them
        if key == live_pk:
            continue  # PostgreSQL omits a UNIQUE that repeats the primary key, which enforces it
        kind = "index_missing" if isinstance(obj, Index) else "unique_missing"
        out.append(ch(kind, column=_single(sig(obj.columns)), declared=obj))
    for key, obj in l_left:
        if any(x[0] == key for x in d_uniques):
            continue  # the model declares the same uniqueness twice; the one live object serves both
        kind = "index_extra" if isinstance(obj, Index) else "unique_extra"
        out.append(ch(kind, column=_single(obj.columns), live=obj))

    d_plain = [i for i in d.indexes if not i.unique]
    l_plain = [i for i in lv.indexes if not i.unique]
    # Same name and columns first: with two indexes over the same columns, the one named alike is
    # the match, never its twin (else the plan would create an index that exists, or drop the
    # declared one and keep the extra).
    exact = [
        (idx, x) for idx in d_plain for x in l_plain
        if idx.name and x.name == idx.name and x.columns == sig(idx.columns) and _same_options(idx, x)
    ]
    for idx, x in exact:
        if idx in d_plain and x in l_plain:
            d_plain.remove(idx)
            l_plain.remove(x)
    twins: dict[int, Index] = {}
    for idx in d_plain:
        plain_hit = next((x for x in l_plain if x.columns == sig(idx.columns) and _same_options(idx, x)), None)
        if plain_hit is None and idx.name:
            plain_hit = next((x for x in l_plain if x.name == idx.name and _is_expression(idx) and _same_options(idx, x)), None)
        if plain_hit is not None:
            l_plain.remove(plain_hit)
            continue
        # The same elements in another order, collation or operator class: a different index
        # (a query sorted by it uses one and not the other), said so in both findings.
        plain_twin = next((x for x in l_plain if x.columns == sig(idx.columns)), None)
        details = {}
        if plain_twin is not None:
            twins[id(plain_twin)] = idx
            details = {"differs_from": plain_twin}
        out.append(ch("index_missing", column=_single(sig(idx.columns)), declared=idx, details=details))
    for idx in l_plain:
        if ours.implied_index(lv, idx):
            continue  # made by the database itself (MySQL's index for a foreign key)
        twin_of = twins.get(id(idx))
        out.append(ch("index_extra", column=_single(idx.columns), live=idx,
                      details={"differs_from": twin_of} if twin_of is not None else {}))
    return out


def _reordered(declared: Any, live: Any, sig: Callable[[tuple[str, ...]], tuple[str, ...]]) -> bool:
    """Two indexes over the same elements whose order, collation, operator class or prefix length
    differ; a UNIQUE constraint counts as a unique index without options (a unique index with a
    DESC or prefix element is not the constraint)."""
    d, lv = _as_index(declared), _as_index(live)
    return lv.columns == sig(d.columns) and not _same_options(d, lv)


def _as_index(obj: Index | UniqueConstraint) -> Index:
    return obj if isinstance(obj, Index) else Index(name=obj.name, columns=obj.columns, unique=True)


def _without_index_options(declared: Schema, keep: Callable[[str], bool] | None = None) -> Schema:
    """The declared Schema with its index elements' direction, collation and operator class left
    out, for a database whose reading does not give them (they are not compared there); `keep`:
    the option words (`DESC`, `(10)`) that are compared all the same."""
    if not any(i.options for t in declared.tables for i in t.indexes):
        return declared

    def kept(options: tuple[str, ...]) -> tuple[str, ...]:
        if keep is None:
            return ()
        out = tuple(" ".join(w for w in o.split() if keep(w)) for o in options)
        return out if any(out) else ()

    return declared.with_tables(
        replace(t, indexes=tuple(replace(i, options=kept(i.options)) for i in t.indexes))
        if any(i.options for i in t.indexes) else t
        for t in declared.tables
    )


def _same_options(a: Index, b: Index) -> bool:
    """Equal ordering, collation and operator class, element by element ("" is the default)."""
    return (a.options or ("",) * len(a.columns)) == (b.options or ("",) * len(b.columns))


def _is_expression(obj: Any) -> bool:
    return any("(" in c for c in obj.columns)


def _single(cols: tuple[str, ...]) -> str | None:
    """The column a single-column object is about; None for several columns or an expression."""
    return cols[0] if len(cols) == 1 and "(" not in cols[0] else None


def _diff_foreign_keys(
    d: Table, lv: Table, colmap: dict[str, str], resolver: _Resolver, ch: Any
) -> list[Change]:
    out: list[Change] = []
    live_left = list(lv.foreign_keys)
    seen: set[tuple[Any, ...]] = set()
    for fk in d.foreign_keys:
        local = tuple(colmap.get(c, c) for c in fk.columns)
        target = _resolve_target(fk, resolver, d)
        column = _single(local)
        # Several keys may share their columns (a column that references two tables): prefer the
        # live key with the same target and actions, then the same target, then any.
        same_cols = [x for x in live_left if x.columns == local]
        actions = (fk.ondelete, fk.onupdate)
        on_target = [x for x in same_cols if _same_target(x, target, resolver)]
        match = next(
            (x for x in on_target if (x.ondelete, x.onupdate) == actions),
            on_target[0] if on_target else same_cols[0] if same_cols else None,
        )
        match_on_target = any(x is match for x in on_target)
        target_sig = (fold(str(target["table"])), tuple(fold(c) for c in target["columns"]))
        signature = (local, target_sig, actions)
        repeated = signature in seen
        seen.add(signature)
        if match is not None:
            live_left.remove(match)
        elif repeated:
            continue  # the model declares the same key twice; SQLite keeps one of them
        if target["missing"]:
            out.append(
                ch(
                    "foreign_key_target_missing",
                    column=column,
                    declared=fk,
                    live=match,
                    details=target,
                )
            )
            continue
        if target["case"]:
            note = resolver.dialect.table_name_note(resolver.live_schema)
            out.append(
                ch(
                    "foreign_key_target_case",
                    column=column,
                    declared=fk,
                    live=match,
                    details={**target, "server_note": note} if note else target,
                )
            )
        if match is None:
            out.append(ch("foreign_key_missing", column=column, declared=fk, details=target))
            continue
        same_target = match_on_target
        if not same_target or match.ondelete != fk.ondelete or match.onupdate != fk.onupdate:
            out.append(
                ch(
                    "foreign_key_mismatch",
                    column=column,
                    declared=fk,
                    live=match,
                    details={**target, "same_target": same_target},
                )
            )
    for fk in live_left:
        out.append(ch("foreign_key_extra", column=_single(fk.columns), live=fk))
    return out


def home_schemas(live: Schema) -> frozenset[str | None]:
    """The spellings of the compared schema: None, its name, and the connection's default schema
    when that is the one compared (a model's schema="public" is the default schema)."""
    home: set[str | None] = {None, live.schema}
    if live.schema is None or live.schema == live.default_schema:
        home.add(live.default_schema)
    return frozenset(home)


def _same_target(live: ForeignKey, target: Mapping[str, Any], resolver: _Resolver) -> bool:
    if target["missing"]:
        return False
    if resolver.target_schema(live.ref_schema) != target.get("schema"):
        return False
    return fold(live.ref_table) == fold(target["table"]) and tuple(
        fold(c) for c in live.ref_columns
    ) == tuple(fold(c) for c in target["columns"])


def _resolve_target(fk: ForeignKey, resolver: _Resolver, owner: Table) -> dict[str, Any]:
    """Where a declared FK points in the live database's names, and whether it was named right."""
    d_target, l_target, exact = resolver.fk_table(fk)
    if d_target is None and fold(fk.ref_table) == fold(owner.name) and resolver.target_schema(fk.ref_schema) is None:
        d_target = owner
    if d_target is None and l_target is None:
        return {"missing": True, "case": False, "table": fk.ref_table, "columns": fk.ref_columns,
                "what": "table"}
    live_table_name = l_target.name if l_target is not None else d_target.name  # type: ignore[union-attr]
    target_cols = []
    case = not exact
    for ref in fk.ref_columns:
        d_col, d_exact = _find_column(d_target, ref)
        if d_col is not None and d_target is not None:
            mapped = resolver.column_map(d_target.name).get(d_col.name, d_col.name)
            target_cols.append(mapped)
            if not d_exact:
                case = True
            continue
        # The live side is looked at only for a column the models do not have.
        l_col, l_exact = _find_column(l_target, ref)
        if l_col is None:
            return {"missing": True, "case": False, "table": live_table_name, "columns": fk.ref_columns,
                    "what": "column", "column": ref}
        target_cols.append(l_col.name)
        if not l_exact:
            case = True
    return {
        "missing": False,
        "case": case,
        "table": live_table_name,
        "columns": tuple(target_cols),
        "schema": resolver.target_schema(fk.ref_schema),
    }


def _declared_reference_checks(
    d: Table,
    resolver: _Resolver,
    declared_by_name: Mapping[str, Table],
    live_by_name: Mapping[str, Table],
) -> list[Change]:
    """FK columns that cannot hold the values of the key they reference.

    The key's type is the database's where the key exists there (a key widened to BIGINT in the
    database while the model's FK column stays INTEGER is the classic case), else the model's. A
    database that already holds exactly the declared types was built from these models: its state
    is not drift, and, as the contract says, such a database has no finding at all.
    """
    out = []
    table_name = resolver.table_map.get(d.name, d.name)
    colmap = resolver.column_map(d.name)
    live_table = live_by_name.get(table_name)
    for fk in d.foreign_keys:
        d_target, l_target, _ = resolver.fk_table(fk)
        if d_target is None and l_target is None:
            continue
        for local_name, ref_name in zip(fk.columns, fk.ref_columns, strict=False):
            local = d.column(local_name)
            d_ref, _ = _find_column(d_target, ref_name)
            l_ref, _ = _find_column(l_target, ref_name)
            ref = l_ref if l_ref is not None and l_ref.type is not None else d_ref
            if local is None or ref is None or local.type is None or ref.type is None:
                continue
            if not is_narrowing(local.type, ref.type):
                continue  # the FK column holds every value of the key (INTEGER -> SMALLINT key)
            live_local = live_table.column(colmap.get(local_name, local_name)) if live_table else None
            built_from_models = (
                live_local is not None
                and live_local.type == local.type
                and l_ref is not None
                and d_ref is not None
                and l_ref.type == d_ref.type
            )
            if built_from_models:
                continue
            target_name = (l_target or d_target).name  # type: ignore[union-attr]
            out.append(
                Change(
                    "foreign_key_type_mismatch",
                    table_name,
                    column=colmap.get(local_name, local_name),
                    declared=local,
                    live=ref,
                    declared_table=d,
                    live_table=live_table,
                    details={
                        "target": f"{target_name}.{ref.name}",
                        "declared_fk": fk,
                        "key_type_from": "database" if ref is l_ref else "models",
                    },
                )
            )
    return out


def _dominant(names: Iterable[str]) -> str | None:
    """The majority style of some names ("snake" or "camel"), None on a tie."""
    styles = [style(n) for n in names]
    snake, camel = styles.count("snake"), styles.count("camel")
    if snake == camel:
        return None
    return "snake" if snake > camel else "camel"


def _mixed_naming(declared: Schema, live: Schema, table_map: Mapping[str, str]) -> list[Change]:
    """Declared names that break the naming style and do not exist under that name.

    A name that pairs with a database name (`userId` with `user_id`) is judged against the
    database's style: it is what the name must match. A name the database has nothing like (a new
    table or column) is judged against the models' own majority. Names that exist exactly in the
    database are never reported: a database created from the same models has no finding.
    """
    out: list[Change] = []
    live_tables = {t.name: t for t in live.tables}
    # The majority styles are counted only when a name is not in the database (rarely: they cost
    # a pass over every name of the schema).
    table_ref: dict[str, str | None] = {}
    column_ref: dict[str, str | None] = {}

    def table_reference(which: str) -> str | None:
        if not table_ref:
            table_ref["new"] = _dominant(t.name for t in declared.tables)
            table_ref["paired"] = _dominant(live_tables) or table_ref["new"]
        return table_ref[which]

    def column_reference(which: str) -> str | None:
        if not column_ref:
            column_ref["new"] = _dominant(c.name for t in declared.tables for c in t.columns)
            column_ref["paired"] = _dominant(c.name for t in live.tables for c in t.columns) or column_ref["new"]
        return column_ref[which]

    for t in declared.tables:
        if t.name in live_tables:
            continue
        reference = table_reference("paired" if t.name in table_map else "new")
        s = style(t.name)
        if reference is None or s not in ("snake", "camel") or s == reference:
            continue
        out.append(
            Change(
                "mixed_naming_convention",
                table_map.get(t.name, t.name),
                declared=t,
                declared_table=t,
                details={
                    "scope": "table",
                    "minority": [t.name],
                    "minority_style": _style_name(s),
                    "dominant_style": _style_name(reference),
                    "suggested": {t.name: table_map.get(t.name, to_snake(t.name))} if reference == "snake" else {},
                },
            )
        )

    for t in declared.tables:
        lv = live_tables.get(table_map.get(t.name, t.name))
        new_names = [c for c in t.columns if lv is None or lv.column(c.name) is None]
        if not new_names:
            continue  # every column exists under its declared name
        live_by_fold = {fold(c.name): c.name for c in lv.columns} if lv is not None else {}
        groups: dict[str, list[str]] = {}
        for c in new_names:
            reference = column_reference("paired" if fold(c.name) in live_by_fold else "new")
            s = style(c.name)
            if reference is None or s not in ("snake", "camel") or s == reference:
                continue
            groups.setdefault(reference, []).append(c.name)
        for reference, minority in groups.items():
            suggested = (
                {c: live_by_fold.get(fold(c), to_snake(c)) for c in minority} if reference == "snake" else {}
            )
            out.append(
                Change(
                    "mixed_naming_convention",
                    table_map.get(t.name, t.name),
                    declared_table=t,
                    declared=t,
                    details={
                        "scope": "columns",
                        "minority": minority,
                        "minority_style": _style_name(style(minority[0])),
                        "dominant_style": _style_name(reference),
                        "suggested": suggested,
                    },
                )
            )
    return out


def _style_name(s: str) -> str:
    return {"snake": "snake_case", "camel": "camelCase"}.get(s, s)

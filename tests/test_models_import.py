"""Reading the declared side from SQLAlchemy models: what the import and the source-line lookup
must get right on real declarative code.

- Declarative features that shape tables (mixins, declared_attr, three kinds of inheritance,
  dataclasses, legacy bases, __table__, module-level indexes over class attributes, an
  application's own DeferredReflection, imperative mappings, a relationship that cannot be
  configured) give the tables, columns, keys, indexes and source lines they declare.
- Tables that the mappers build (mapper events, __declare_last__) are there; tables a mapper
  refuses are a models error. (Importing the models with their mappers left unbuilt was tried for
  speed and dropped: two reviews found schemas it got silently wrong -- benchmarks/README.md.)
- A models file that changes directory while it is imported is still found when a command reads
  it a second time.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_helpers import run_script

FEATURES: dict[str, str] = {
    "mixins_inheritance": '''
        from typing import Optional
        from sqlalchemy import Column, ForeignKey, Index, Integer, String, Table, func, select
        from sqlalchemy.orm import (DeclarativeBase, Mapped, column_property, declared_attr,
                                    mapped_column, relationship)

        class Base(DeclarativeBase):
            pass

        class TimestampMixin:
            created: Mapped[int] = mapped_column(Integer, server_default="0")

            @declared_attr
            def owner_id(cls) -> Mapped[Optional[int]]:
                return mapped_column(ForeignKey("users.id"))

        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            email: Mapped[str] = mapped_column(String(100))
            userName: Mapped[str] = mapped_column("user_name", String(50))
            addresses = relationship("Address", back_populates="user", foreign_keys="Address.user_id")

        class Address(TimestampMixin, Base):
            __tablename__ = "addresses"
            id: Mapped[int] = mapped_column(primary_key=True)
            user_id: Mapped[int] = mapped_column(ForeignKey(User.id))
            user = relationship(User, back_populates="addresses", foreign_keys=[user_id])

        Index("ix_users_email_lower", func.lower(User.email))
        Index("ix_addr_user", Address.user_id, Address.id)
        User.address_count = column_property(
            select(func.count(Address.id)).where(Address.user_id == User.id).scalar_subquery())

        class Employee(Base):
            __tablename__ = "employee"
            id: Mapped[int] = mapped_column(primary_key=True)
            type: Mapped[str] = mapped_column(String(20))
            __mapper_args__ = {"polymorphic_on": "type", "polymorphic_identity": "employee"}

        class Engineer(Employee):  # joined-table inheritance
            __tablename__ = "engineer"
            id: Mapped[int] = mapped_column(ForeignKey("employee.id"), primary_key=True)
            lang: Mapped[str] = mapped_column(String(20))
            __mapper_args__ = {"polymorphic_identity": "engineer"}

        class Manager(Employee):  # single-table inheritance: its column joins employee
            level: Mapped[Optional[int]] = mapped_column(Integer)
            __mapper_args__ = {"polymorphic_identity": "manager"}

        assoc = Table("assoc", Base.metadata,
                      Column("a", ForeignKey("users.id"), primary_key=True),
                      Column("b", ForeignKey("employee.id"), primary_key=True))
    ''',
    "legacy_base_and_table": '''
        from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table, UniqueConstraint
        from sqlalchemy.ext.declarative import DeferredReflection
        from sqlalchemy.orm import declarative_base

        Base = declarative_base(metadata=MetaData(naming_convention={"uq": "uq_%(table_name)s_%(column_0_name)s"}))

        class User(Base):
            __tablename__ = "users"
            id = Column(Integer, primary_key=True)
            userId = Column("user_id", Integer, index=True)
            __table_args__ = (UniqueConstraint("user_id"),)

        class Tagged(Base):  # declarative over an explicit Table
            __table__ = Table("tagged", Base.metadata,
                              Column("id", Integer, primary_key=True),
                              Column("tag", String(30), nullable=False, server_default="x"),
                              Column("userId", ForeignKey("users.id", ondelete="CASCADE")))

        class Reflected(DeferredReflection, Base):  # the application's own deferred classes
            __abstract__ = True

        class Thing(Reflected):
            __tablename__ = "things"
            id = Column(Integer, primary_key=True)
    ''',
    "dataclasses_nometa_annotated": '''
        import datetime
        from decimal import Decimal
        from typing import Annotated, Optional
        from sqlalchemy import ForeignKey, Numeric, String, func
        from sqlalchemy.orm import (DeclarativeBase, DeclarativeBaseNoMeta, Mapped,
                                    MappedAsDataclass, mapped_column)

        str50 = Annotated[str, 50]
        money = Annotated[Decimal, "money"]

        class Base(MappedAsDataclass, DeclarativeBase):
            type_annotation_map = {str50: String(50), money: Numeric(12, 2)}

        class Account(Base):
            __tablename__ = "accounts"
            id: Mapped[int] = mapped_column(primary_key=True, init=False)
            name: Mapped[str50]
            balance: Mapped[money] = mapped_column(server_default="0")
            opened: Mapped[datetime.datetime] = mapped_column(server_default=func.now(), init=False)

        class Entry(Base):
            __tablename__ = "entries"
            id: Mapped[int] = mapped_column(primary_key=True, init=False)
            account_id: Mapped[int] = mapped_column(ForeignKey("accounts.id"))
            note: Mapped[Optional[str]] = mapped_column(default=None)

        class Other(DeclarativeBaseNoMeta):
            pass

        class Audit(Other):
            __tablename__ = "audit"
            id: Mapped[int] = mapped_column(primary_key=True)
            what: Mapped[str] = mapped_column(String(200))

        Base.metadata.tables  # noqa: B018
        Other_metadata = Other.metadata
        BOTH = [Base, Other]
    ''',
    "concrete_and_imperative": '''
        from sqlalchemy import Column, Integer, String, Table
        from sqlalchemy.ext.declarative import ConcreteBase
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

        class Base(DeclarativeBase):
            pass

        class Vehicle(ConcreteBase, Base):
            __tablename__ = "vehicle"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str] = mapped_column(String(40))
            __mapper_args__ = {"polymorphic_identity": "vehicle", "concrete": True}

        class Car(Vehicle):
            __tablename__ = "car"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str] = mapped_column(String(40))
            doors: Mapped[int]
            __mapper_args__ = {"polymorphic_identity": "car", "concrete": True}

        class Plain:
            pass

        plain_table = Table("plain", Base.metadata, Column("id", Integer, primary_key=True))
        Base.registry.map_imperatively(Plain, plain_table)
    ''',
    # A relationship that cannot be configured: the tables are still read.
    "broken_relationship": '''
        from sqlalchemy import ForeignKey
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

        class Base(DeclarativeBase):
            pass

        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            addresses = relationship("Address")  # two keys to users: ambiguous

        class Address(Base):
            __tablename__ = "addresses"
            id: Mapped[int] = mapped_column(primary_key=True)
            user_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
            editor_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    ''',
}

TARGET_ATTR = {"dataclasses_nometa_annotated": "BOTH"}

# Loads each target in a fresh interpreter and prints its declared snapshot as JSON.
_SNAPSHOTS = r'''
import json, sys
from schemaguard.sources import declared as D
from schemaguard.schema.snapshot import dump_snapshot

out = {}
for target in sys.argv[1:]:
    mds, regs = D.load_target(target)
    out[target] = json.loads(dump_snapshot(D.declared_snapshot(mds, "postgresql", registries=regs)))
print(json.dumps(out))
'''


def _snapshots(targets: list[str], cwd: Path) -> dict[str, dict]:
    proc = subprocess.run([sys.executable, "-c", _SNAPSHOTS, *targets], cwd=cwd, capture_output=True,
                          text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout)


def test_declarative_features_give_the_tables_they_declare(tmp_path: Path) -> None:
    targets = {}
    for name, source in FEATURES.items():
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        targets[name] = f"{path}:{TARGET_ATTR.get(name, 'Base')}"
    results = _snapshots(list(targets.values()), tmp_path)
    by_name = {name: results[t] for name, t in targets.items()}

    tables = {t["name"]: t for t in by_name["mixins_inheritance"]["tables"]}
    assert set(tables) == {"users", "addresses", "employee", "engineer", "assoc"}
    assert [c["name"] for c in tables["employee"]["columns"]] == ["id", "type", "level"]
    assert [c["name"] for c in tables["addresses"]["columns"]] == ["id", "user_id", "created", "owner_id"]
    assert {i["name"]: i["columns"] for i in tables["users"]["indexes"]} == {"ix_users_email_lower": ["lower(email)"]}
    assert {i["name"]: i["columns"] for i in tables["addresses"]["indexes"]} == {"ix_addr_user": ["user_id", "id"]}
    source = Path(targets["mixins_inheritance"].rpartition(":")[0]).read_text().splitlines()
    user_name = next(c for c in tables["users"]["columns"] if c["name"] == "user_name")
    assert "userName" in source[user_name["source"]["line"] - 1]  # the attribute's own line
    # The single-table subclass's column points at the subclass, the table at its declarer.
    level = next(c for c in tables["employee"]["columns"] if c["name"] == "level")
    assert "level: Mapped" in source[level["source"]["line"] - 1]
    assert tables["employee"]["model"] == "Employee" and tables["engineer"]["model"] == "Engineer"

    legacy = {t["name"]: t for t in by_name["legacy_base_and_table"]["tables"]}
    assert set(legacy) == {"users", "tagged", "things"}
    assert legacy["users"]["uniques"][0]["name"] == "uq_users_user_id"
    legacy_source = Path(targets["legacy_base_and_table"].rpartition(":")[0]).read_text().splitlines()
    user_id = next(c for c in legacy["users"]["columns"] if c["name"] == "user_id")
    assert "userId = Column(" in legacy_source[user_id["source"]["line"] - 1]
    # A registry holding an unprepared DeferredReflection class cannot list its mappers; the
    # source lines come from the classes themselves.
    assert legacy["things"]["model"] == "Thing" and legacy["things"]["source"] is not None

    data = {t["name"]: t for t in by_name["dataclasses_nometa_annotated"]["tables"]}
    assert set(data) == {"accounts", "entries", "audit"}
    assert {c["name"]: c["type"] for c in data["accounts"]["columns"]}["balance"] == "NUMERIC(12, 2)"

    concrete = {t["name"]: t for t in by_name["concrete_and_imperative"]["tables"]}
    assert set(concrete) == {"vehicle", "car", "plain"}
    assert concrete["plain"]["model"] == "Plain"
    # A relationship that cannot be configured does not stop the tables being read.
    assert {t["name"] for t in by_name["broken_relationship"]["tables"]} == {"users", "addresses"}


# Models whose schema depends on their mappers being built, or that a mapper refuses: the
# history recipe's tables, an audit table from a listener on Mapper, a __declare_last__ index,
# and two tables no mapper accepts. Each logs its imports (one import, nothing skipped).
_LOG = """
import os
with open(os.environ["SG_IMPORT_LOG"], "a") as log:
    log.write("imported\\n")
"""
NEEDS_MAPPERS: dict[str, str] = {
    # SQLAlchemy's versioned-history recipe (examples/versioned_history), condensed: a history
    # table per class, built when the class's Mapper is constructed (a held mapper event).
    "history_recipe": '''
        from sqlalchemy import Column, DateTime, Integer, String, Table, event, func
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        def _history_table(mapper):
            table = mapper.local_table
            cols = [c._copy() for c in table.c]
            for c in cols:
                c.unique = False
            cols.append(Column("version", Integer, primary_key=True, autoincrement=False))
            cols.append(Column("changed", DateTime, server_default=func.now()))
            Table(table.name + "_history", table.metadata, *cols)

        class Versioned:
            def __init_subclass__(cls) -> None:
                @event.listens_for(cls, "after_mapper_constructed")
                def _constructed(mapper, class_):
                    _history_table(mapper)
                super().__init_subclass__()

        class Base(DeclarativeBase):
            pass

        class User(Versioned, Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str] = mapped_column(String(50))
    ''',
    # An audit table per class from instrument_class on Mapper itself (SQLAlchemy-Continuum's way).
    "mapper_listener": '''
        from sqlalchemy import Column, Integer, String, Table, event
        from sqlalchemy.orm import DeclarativeBase, Mapped, Mapper, mapped_column

        @event.listens_for(Mapper, "instrument_class")
        def _audit(mapper, cls):
            t = mapper.local_table
            Table(t.name + "_audit", t.metadata, Column("id", Integer, primary_key=True),
                  Column("row_id", Integer, nullable=False))

        class Base(DeclarativeBase):
            pass

        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            email: Mapped[str] = mapped_column(String(100))
    ''',
    # An index added by __declare_last__, which runs when the mappers are configured.
    "declare_last": '''
        from sqlalchemy import Index, String
        from sqlalchemy.orm import DeclarativeBase, Mapped, configure_mappers, mapped_column

        class Base(DeclarativeBase):
            pass

        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            email: Mapped[str] = mapped_column(String(100))

            @classmethod
            def __declare_last__(cls):
                Index("ix_users_email_last", cls.__table__.c.email)

        configure_mappers()
    ''',
    # Tables the Mapper refuses: the application cannot import these models at all.
    "no_primary_key": '''
        from sqlalchemy import String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Log(Base):
            __tablename__ = "log"
            msg: Mapped[str] = mapped_column(String(100))
    ''',
    "joined_without_key": '''
        from sqlalchemy import String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Employee(Base):
            __tablename__ = "employee"
            id: Mapped[int] = mapped_column(primary_key=True)

        class Engineer(Employee):
            __tablename__ = "engineer"
            id: Mapped[int] = mapped_column(primary_key=True)
            lang: Mapped[str] = mapped_column(String(20))
    ''',
}


@pytest.mark.parametrize("name", sorted(NEEDS_MAPPERS))
def test_what_the_mappers_build_or_refuse_is_seen(tmp_path: Path, name: str) -> None:
    models = tmp_path / f"{name}.py"
    models.write_text(_LOG + textwrap.dedent(NEEDS_MAPPERS[name]))
    log = tmp_path / "imports.log"
    out = tmp_path / "snap.json"
    proc = run_script("snapshot", "--models", f"{models}:Base", "-o", str(out), env={"SG_IMPORT_LOG": str(log)})
    assert log.read_text().splitlines() == ["imported"]
    if name in ("no_primary_key", "joined_without_key"):
        assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
        assert "primary key" in proc.stderr or "inherit condition" in proc.stderr, proc.stderr
        return
    assert proc.returncode == 0, proc.stderr
    tables = {t["name"]: t for t in json.loads(out.read_text())["tables"]}
    expected = {"history_recipe": {"users", "users_history"}, "mapper_listener": {"users", "users_audit"},
                "declare_last": {"users"}}[name]
    assert set(tables) == expected
    if name == "declare_last":
        assert [i["name"] for i in tables["users"]["indexes"]] == ["ix_users_email_last"]


def test_a_genuine_error_in_the_models_is_reported_once(tmp_path: Path) -> None:
    models = tmp_path / "broken.py"
    models.write_text("from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase):\n    pass\nundefined_name\n")
    proc = run_script("snapshot", "--models", f"{models}:Base", "-o", str(tmp_path / "x.json"))
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "NameError" in lines[0], proc.stderr


def test_models_that_change_directory_and_environment_while_imported(tmp_path: Path) -> None:
    """A models module that sets APP_ENV/FORCE_SYNC (as load_dotenv() does) and changes directory
    while it is imported: sync reads the models twice (the check, then the plan), the second time
    after the directory change, and the guard decides on the environment the command was started
    in (production here), so nothing is reset."""
    import sqlite3

    app = tmp_path / "app"
    app.mkdir()
    (app / "models.py").write_text(textwrap.dedent('''
        import os
        from sqlalchemy import String
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        os.environ.setdefault("APP_ENV", "development")
        os.environ.setdefault("FORCE_SYNC", "1")
        os.chdir(os.path.dirname(os.path.abspath(__file__)))

        class Base(DeclarativeBase):
            pass

        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            name: Mapped[str] = mapped_column(String(50))
            email: Mapped[str] = mapped_column(String(100))
    '''))
    db = tmp_path / "prod.db"
    with sqlite3.connect(db) as conn:
        conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)")
        conn.execute("INSERT INTO users (name) VALUES ('kept')")
    env = {k: "" for k in ("APP_ENV", "FORCE_SYNC", "SCHEMAGUARD_ENV", "ENVIRONMENT", "NODE_ENV")}
    proc = run_script("sync", "--mode", "auto", "--yes", "--models", "app/models.py:Base",
                      "--db", "sqlite:///prod.db", "--format", "json", cwd=tmp_path, env=env)
    assert proc.returncode in (0, 1), proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["mode"] == "safe", doc
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT name FROM users").fetchall() == [("kept",)]


def test_reading_the_models_leaves_their_objects_as_it_found_them(tmp_path: Path) -> None:
    """SQLAlchemy memoizes on first access (Index.columns, a constraint's columns, an expression's
    cache key, .info) and keeps the result on the model's object for the life of the process. At
    5,000 tables each of those is megabytes of peak memory for nothing: a snapshot reads around
    them. Two memos are SQLAlchemy's own answers that the snapshot needs and are left: the primary
    key's autoincrement column and a type's affinity."""
    from sqlalchemy import (
        Boolean,
        Column,
        DateTime,
        ForeignKey,
        Index,
        Integer,
        MetaData,
        String,
        Table,
        UniqueConstraint,
        func,
        text,
        true,
    )

    from schemaguard.sources.declared import declared_snapshot, load_target

    md = MetaData()
    Table("a", md, Column("id", Integer, primary_key=True),
              Column("at", DateTime(timezone=True), server_default=func.now()),
              Column("n", Integer, server_default=text("0")), Column("b", Boolean, server_default=true()),
              Column("code", String(10), unique=True, index=True),
              UniqueConstraint("n", "b"), Index("ix_n_lower", "n", func.lower(text("code"))),
          Index("ix_lower_only", func.lower(text("code"))))
    Table("b", md, Column("id", Integer, primary_key=True), Column("a_id", ForeignKey("a.id")),
          Column("x", String(5), server_default=func.lower("X")), Index("ix_b_x", "x"))
    models = tmp_path / "orm_models.py"
    models.write_text(textwrap.dedent('''
        from sqlalchemy import ForeignKey, Index, String, func
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        class Base(DeclarativeBase):
            pass

        class Event(Base):
            __tablename__ = "events"
            __table_args__ = (Index("ix_events_title_day", "title", "day"),)
            id: Mapped[int] = mapped_column(primary_key=True)
            title: Mapped[str] = mapped_column(String(80), index=True)
            day: Mapped[int] = mapped_column(server_default="1")
            created: Mapped[str] = mapped_column(String(40), server_default=func.now())

        class Ticket(Base):
            __tablename__ = "tickets"
            id: Mapped[int] = mapped_column(primary_key=True)
            event_id: Mapped[int] = mapped_column(ForeignKey("events.id"), index=True)
    '''))
    orm_mds, registries = load_target(f"{models}:Base")

    def objects(metadata: MetaData) -> list[object]:
        out: list[object] = []
        for t in metadata.tables.values():
            out += [t, *t.columns, *t.constraints, *t.indexes, *t.foreign_keys]
            for c in t.columns:
                out.append(c.type)
                if c.server_default is not None:
                    out += [c.server_default, getattr(c.server_default, "arg", None)]
        # true()/false()/null() are one shared object each, not one per column.
        return [o for o in out if hasattr(o, "__dict__") and type(o).__name__ not in ("True_", "False_", "Null")]

    allowed = {"_autoincrement_column", "_type_affinity"}
    for mds, regs in (([md], []), (orm_mds, registries)):
        before = [(o, set(vars(o))) for m in mds for o in objects(m)]
        for dialect in ("postgresql", "sqlite"):
            snap = declared_snapshot(mds, dialect, registries=regs)
            assert snap.tables and all(t.columns for t in snap.tables)
        grown = {f"{type(o).__name__} {getattr(o, 'name', '')}": set(vars(o)) - keys - allowed
                 for o, keys in before}
        assert not {k: v for k, v in grown.items() if v}, grown
    # The ORM models' source lines were found (the lookup ran, it did not skip the objects).
    snap = declared_snapshot(orm_mds, "postgresql", registries=registries)
    events = next(t for t in snap.tables if t.name == "events")
    assert events.source is not None and events.source.line == 8
    assert {i.name: i.source.line for i in events.indexes if i.source} == {
        "ix_events_title": 12, "ix_events_title_day": 8}


def test_equal_looking_defaults_compile_apart() -> None:
    """Each distinct server default is compiled once per snapshot, keyed by SQLAlchemy's cache
    key and its bound values. Values that Python holds equal but that render differently (1, 1.0,
    True, Decimal("1.00")) must not share the first one's text."""
    from decimal import Decimal

    from sqlalchemy import Column, Integer, MetaData, Numeric, Table, literal

    from schemaguard.sources.declared import declared_snapshot

    values = [1, 1.0, True, Decimal("1.00"), Decimal("1.0")]
    md = MetaData()
    Table("t", md, Column("id", Integer, primary_key=True),
          *[Column(f"c{i}", Numeric(5, 2), server_default=literal(v, Numeric(5, 2))) for i, v in enumerate(values)])
    for dialect in ("postgresql", "sqlite"):
        together = {c.name: c.default for c in declared_snapshot([md], dialect).tables[0].columns if c.name != "id"}
        alone = {}
        for i, v in enumerate(values):
            one = MetaData()
            Table("t", one, Column("id", Integer, primary_key=True),
                  Column(f"c{i}", Numeric(5, 2), server_default=literal(v, Numeric(5, 2))))
            alone[f"c{i}"] = declared_snapshot([one], dialect).tables[0].columns[1].default
        assert together == alone, dialect
        assert len(set(alone.values())) > 1, alone  # they do render differently

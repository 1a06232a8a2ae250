"""Models imported with their ORM mappings deferred (SCHEMAGUARD_IMPORT=deferred, opt-in).

What it must hold: the declared snapshot -- every table, column, type, default, key, index,
unique, foreign key, and every source file and line -- is the same as a plain import's, for every
models file in this repository and for models that use the declarative features that touch tables
(mixins, declared_attr, inheritance of three kinds, dataclasses, legacy bases, __table__, module
level indexes over class attributes, an application's own DeferredReflection). A models module
that needs its classes mapped while it is imported makes the command start again with plain
imports, in the environment and directory it started with, and so do models whose schema needs
their Mappers (tables that mapper events or configure hooks create, tables a Mapper refuses).
The default -- plain imports, for the command line and the library -- is pinned down too.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from cli_helpers import run_script

ROOT = Path(__file__).resolve().parent.parent

# Each model set below exercises one way declarative builds tables.
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
    # Needs its class mapped while it is imported: the deferred import fails, the plain one runs.
    "needs_mapping_at_import": '''
        import os
        from sqlalchemy import String, inspect
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

        with open(os.environ["SG_IMPORT_LOG"], "a") as log:
            log.write("imported\\n")

        class Base(DeclarativeBase):
            pass

        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            email: Mapped[str] = mapped_column(String(100), unique=True)

        COLUMNS = [c.key for c in inspect(User).column_attrs]
    ''',
    # A relationship that cannot be configured: the tables are still read, in both modes.
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
DEFER = {"SCHEMAGUARD_IMPORT": "deferred"}

# Imports each target twice in one fresh interpreter -- deferred, then plain -- and prints both
# snapshots (or the deferred import's error), the classes left unmapped, and what SQLAlchemy is
# left holding. Between imports it forgets the models' own modules (never SQLAlchemy's).
_COMPARE = r'''
import gc, json, sys
from schemaguard import declared as D
from schemaguard.errors import ModelsError
from schemaguard.snapshot import dump_snapshot

KEEP = ("sqlalchemy", "schemaguard", "alembic", "typing_extensions", "greenlet")
out = {}
for target in sys.argv[1:]:
    row = {}
    for mode in ("deferred", "mapped"):
        before = set(sys.modules)
        D.set_import_mode(mode)
        mds = regs = None
        try:
            mds, regs = D.load_target(target)
        except ModelsError as exc:
            row[mode] = {"error": str(exc)}
        else:
            row[mode] = json.loads(dump_snapshot(D.declared_snapshot(mds, "postgresql", registries=regs)))
            # Classes the import left unmapped (an application's DeferredReflection class too).
            row[mode + "_deferred_classes"] = len({
                id(cls) for r in regs if isinstance(r, D.DeferredModels)
                for cls, _t, _k in r.entries if "__mapper__" not in vars(cls)})
        from sqlalchemy.orm import DeclarativeBase, DeclarativeBaseNoMeta, DeclarativeMeta
        row[mode + "_patch_left"] = [b.__name__ for b in (DeclarativeBase, DeclarativeBaseNoMeta, DeclarativeMeta)
                                     if "_sa_decl_prepare" in vars(b)]
        row[mode + "_configs_left"] = sorted(r().__name__ for r in D._deferred_config_class()._configs
                                             if r() is not None)
        for name in set(sys.modules) - before:
            if not name.startswith(KEEP):
                del sys.modules[name]
        del mds, regs
        gc.collect()
        D._deferred_config_class()._configs.clear()
    D.set_import_mode("mapped")
    out[target] = row
print(json.dumps(out))
'''


def _compare(targets: list[str], cwd: Path, env: dict[str, str] | None = None) -> dict[str, dict]:
    full_env = {**os.environ, **(env or {})}
    proc = subprocess.run([sys.executable, "-c", _COMPARE, *targets], cwd=cwd, env=full_env,
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-4000:]
    return json.loads(proc.stdout)


def _repository_models() -> list[str]:
    files = sorted((ROOT / "tests" / "cases").glob("*/models.py"))
    files += sorted((ROOT / "examples" / "ticketing").glob("models*.py"))
    # The declarative ones (two cases declare Core tables only: nothing to defer).
    files = [f for f in files if "Base" in f.read_text()]
    assert len(files) >= 30
    return [f"{f}:Base" for f in files]


def _write_features(tmp_path: Path) -> dict[str, str]:
    targets = {}
    for name, source in FEATURES.items():
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source), encoding="utf-8")
        targets[name] = f"{path}:{TARGET_ATTR.get(name, 'Base')}"
    return targets


def test_every_repository_models_file_gives_the_same_snapshot_either_way() -> None:
    results = _compare(_repository_models(), ROOT)
    for target, row in results.items():
        assert row["deferred"] == row["mapped"], target
        assert row["deferred"]["tables"], target
        assert row["deferred_deferred_classes"] > 0, f"{target} was not imported with mappings deferred"
        assert row["mapped_deferred_classes"] == 0, target
        for mode in ("deferred", "mapped"):
            assert row[f"{mode}_patch_left"] == [], target
            assert row[f"{mode}_configs_left"] == [], target


def test_declarative_features_give_the_same_snapshot_either_way(tmp_path: Path) -> None:
    targets = _write_features(tmp_path)
    del targets["needs_mapping_at_import"]  # below, through the command line
    results = _compare(list(targets.values()), tmp_path)
    for name, target in targets.items():
        row = results[target]
        assert row["deferred"] == row["mapped"], name
        assert row["deferred_patch_left"] == [], name
    by_name = {name: results[t] for name, t in targets.items()}
    # Classes left unmapped: every declarative class except ORM dataclasses (MappedAsDataclass asks
    # whether a class is mapped while creating it: those are mapped as usual) and the imperative
    # mapping; the legacy file's count includes the application's own DeferredReflection class.
    unmapped = {name: by_name[name]["deferred_deferred_classes"] for name in by_name}
    assert unmapped == {"mixins_inheritance": 5, "legacy_base_and_table": 3, "dataclasses_nometa_annotated": 1,
                        "concrete_and_imperative": 2, "broken_relationship": 2}

    # The snapshot holds what the models declare (not merely the same nothing on both sides).
    tables = {t["name"]: t for t in by_name["mixins_inheritance"]["deferred"]["tables"]}
    assert set(tables) == {"users", "addresses", "employee", "engineer", "assoc"}
    assert [c["name"] for c in tables["employee"]["columns"]] == ["id", "type", "level"]
    assert [c["name"] for c in tables["addresses"]["columns"]] == ["id", "user_id", "created", "owner_id"]
    assert {i["name"]: i["columns"] for i in tables["users"]["indexes"]} == {"ix_users_email_lower": ["lower(email)"]}
    assert {i["name"]: i["columns"] for i in tables["addresses"]["indexes"]} == {"ix_addr_user": ["user_id", "id"]}
    user_name = next(c for c in tables["users"]["columns"] if c["name"] == "user_name")
    source = Path(targets["mixins_inheritance"].rpartition(":")[0]).read_text().splitlines()
    assert "userName" in source[user_name["source"]["line"] - 1]  # the attribute's own line
    assert tables["engineer"]["model"] == "Engineer"

    legacy = {t["name"]: t for t in by_name["legacy_base_and_table"]["deferred"]["tables"]}
    assert set(legacy) == {"users", "tagged", "things"}
    assert legacy["users"]["uniques"][0]["name"] == "uq_users_user_id"
    user_id = next(c for c in legacy["users"]["columns"] if c["name"] == "user_id")
    legacy_source = Path(targets["legacy_base_and_table"].rpartition(":")[0]).read_text().splitlines()
    assert "userId = Column(" in legacy_source[user_id["source"]["line"] - 1]
    # The application's own DeferredReflection class is still waiting for its prepare().
    assert by_name["legacy_base_and_table"]["deferred_configs_left"] == ["Thing"]

    data = {t["name"]: t for t in by_name["dataclasses_nometa_annotated"]["deferred"]["tables"]}
    assert set(data) == {"accounts", "entries", "audit"}
    assert {c["name"]: c["type"] for c in data["accounts"]["columns"]}["balance"] == "NUMERIC(12, 2)"

    assert {t["name"] for t in by_name["concrete_and_imperative"]["deferred"]["tables"]} == {"vehicle", "car", "plain"}
    assert {t["name"] for t in by_name["broken_relationship"]["deferred"]["tables"]} == {"users", "addresses"}


def test_a_module_that_needs_its_mappings_while_imported_is_imported_again_plainly(tmp_path: Path) -> None:
    targets = _write_features(tmp_path)
    target = targets["needs_mapping_at_import"]
    log = tmp_path / "imports.log"
    env = {"SG_IMPORT_LOG": str(log)}
    # The library, asked to defer, says what failed and how to import plainly.
    row = _compare([target], tmp_path, env=env)[target]
    assert "imported with the ORM mappings deferred" in row["deferred"]["error"]
    assert "fresh process" in row["deferred"]["error"]
    assert row["mapped"]["tables"][0]["name"] == "users"
    assert row["deferred_patch_left"] == [] and row["deferred_configs_left"] == []
    # The command line starts again with plain imports: the same snapshot, the models imported
    # twice (once deferred, failed; once plainly).
    log.write_text("")
    deferred_out, mapped_out = tmp_path / "d.json", tmp_path / "m.json"
    proc = run_script("snapshot", "--models", target, "-o", str(deferred_out), env={**env, **DEFER})
    assert proc.returncode == 0, proc.stderr
    assert log.read_text().splitlines() == ["imported", "imported"]
    proc = run_script("snapshot", "--models", target, "-o", str(mapped_out), env=env)
    assert proc.returncode == 0, proc.stderr
    assert log.read_text().splitlines() == ["imported"] * 3
    assert deferred_out.read_text() == mapped_out.read_text()


def test_a_package_that_needs_its_mappings_is_imported_again_plainly(tmp_path: Path) -> None:
    pkg = tmp_path / "shop"
    (pkg / "models").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "models" / "__init__.py").write_text(textwrap.dedent('''
        from sqlalchemy import inspect
        from shop.models.base import Base
        from shop.models.user import User
        ATTRS = inspect(User).attrs.keys()  # needs the mapping while imported
    '''))
    (pkg / "models" / "base.py").write_text(textwrap.dedent('''
        from sqlalchemy.orm import DeclarativeBase
        class Base(DeclarativeBase):
            pass
    '''))
    (pkg / "models" / "user.py").write_text(textwrap.dedent('''
        from sqlalchemy.orm import Mapped, mapped_column
        from shop.models.base import Base
        class User(Base):
            __tablename__ = "users"
            id: Mapped[int] = mapped_column(primary_key=True)
            nickName: Mapped[str] = mapped_column("nick_name")
    '''))
    out = tmp_path / "snap.json"
    proc = run_script("snapshot", "--models", "shop.models:Base", "-o", str(out), cwd=tmp_path, env=DEFER)
    assert proc.returncode == 0, proc.stderr
    table = json.loads(out.read_text())["tables"][0]
    assert [c["name"] for c in table["columns"]] == ["id", "nick_name"]
    lines = (pkg / "models" / "user.py").read_text().splitlines()
    assert table["columns"][1]["source"] == {"file": "shop/models/user.py",
                                             "line": 1 + next(i for i, ln in enumerate(lines) if "nickName" in ln)}


def test_a_genuine_error_in_the_models_is_reported_once(tmp_path: Path) -> None:
    models = tmp_path / "broken.py"
    models.write_text("from sqlalchemy.orm import DeclarativeBase\nclass Base(DeclarativeBase):\n    pass\nundefined_name\n")
    for env in ({}, DEFER):
        proc = run_script("snapshot", "--models", f"{models}:Base", "-o", str(tmp_path / "x.json"), env=env)
        assert proc.returncode == 2
        assert "Traceback" not in proc.stderr
        lines = [ln for ln in proc.stderr.splitlines() if ln.strip()]
        assert len(lines) == 1 and "NameError" in lines[0] and "deferred" not in lines[0], proc.stderr


MODE_PROBE = '''
import os
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

class Base(DeclarativeBase):
    pass

class User(Base):
    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)

with open(os.environ["SG_MODE_LOG"], "a") as log:
    log.write("mapped\\n" if "__mapper__" in vars(User) else "deferred\\n")
'''


def test_the_command_line_imports_plainly_unless_schemaguard_import_is_deferred(tmp_path: Path) -> None:
    models = tmp_path / "probe.py"
    models.write_text(MODE_PROBE)
    log = tmp_path / "mode.log"
    out = tmp_path / "snap.json"
    env = {"SG_MODE_LOG": str(log)}
    for extra in ({}, DEFER, {"SCHEMAGUARD_IMPORT": "mapped"}):
        proc = run_script("snapshot", "--models", f"{models}:Base", "-o", str(out), env={**env, **extra})
        assert proc.returncode == 0, proc.stderr
        assert json.loads(out.read_text())["tables"][0]["name"] == "users"
    assert log.read_text().splitlines() == ["mapped", "deferred", "mapped"]


# Models whose schema depends on their Mappers being built, or that a Mapper refuses. Each
# logs its imports. A deferred import cannot see any of it, so it must not be trusted with them:
# the command starts again with plain imports (two imports, the plain import's result).
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
def test_models_whose_schema_needs_their_mappers_are_imported_plainly(tmp_path: Path, name: str) -> None:
    models = tmp_path / f"{name}.py"
    models.write_text(_LOG + textwrap.dedent(NEEDS_MAPPERS[name]))
    log = tmp_path / "imports.log"
    runs = {}
    for label, extra in (("plain", {}), ("deferred", DEFER)):
        log.write_text("")
        out = tmp_path / f"{label}.json"
        proc = run_script("snapshot", "--models", f"{models}:Base", "-o", str(out),
                          env={"SG_IMPORT_LOG": str(log), **extra})
        runs[label] = (proc.returncode, proc.stderr.replace(str(out), "OUT"),
                       out.read_text() if out.exists() else None, log.read_text().splitlines())
    assert runs["plain"][3] == ["imported"]
    assert runs["deferred"][3] == ["imported", "imported"], runs["deferred"]  # started again
    assert runs["deferred"][:3] == runs["plain"][:3]
    if name in ("no_primary_key", "joined_without_key"):
        assert runs["plain"][0] == 2 and "Traceback" not in runs["plain"][1]
    else:
        assert runs["plain"][0] == 0, runs["plain"][1]
        tables = [t["name"] for t in json.loads(runs["plain"][2])["tables"]]
        assert len(tables) == (1 if name == "declare_last" else 2), tables


def test_the_library_says_why_deferred_mappings_cannot_be_trusted(tmp_path: Path) -> None:
    targets = {}
    for name, source in NEEDS_MAPPERS.items():
        path = tmp_path / f"{name}.py"
        path.write_text(textwrap.dedent(source))
        targets[name] = f"{path}:Base"
    results = _compare(list(targets.values()), tmp_path)
    reasons = {name: results[t]["deferred"].get("error", "no error") for name, t in targets.items()}
    assert "cannot be read with its ORM mappings deferred" in reasons["history_recipe"]
    assert "mapping event" in reasons["history_recipe"] or "mapper event" in reasons["history_recipe"]
    assert "a listener on a mapping event" in reasons["mapper_listener"]
    assert "__declare_first__ or __declare_last__" in reasons["declare_last"]
    assert "has no primary key" in reasons["no_primary_key"]
    assert "has no foreign key to Employee's" in reasons["joined_without_key"]
    for name, t in targets.items():
        assert results[t]["deferred_patch_left"] == [] and results[t]["deferred_configs_left"] == [], name


def test_starting_again_uses_the_environment_and_directory_it_started_with(tmp_path: Path) -> None:
    """A models module that sets APP_ENV/FORCE_SYNC (as load_dotenv() does) and changes directory
    while it is imported, then needs its mappings: the command started again must not inherit
    either -- the guard still sees production, and relative paths still resolve."""
    import sqlite3

    app = tmp_path / "app"
    app.mkdir()
    (app / "models.py").write_text(textwrap.dedent('''
        import os
        from sqlalchemy import String, select
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

        ACTIVE = select(User).where(User.name != "")  # needs the mapping while imported
    '''))
    # Plain imports too: sync reads the models twice, the second time after the directory change.
    for mode in ({}, DEFER):
        db = tmp_path / "prod.db"
        db.unlink(missing_ok=True)
        with sqlite3.connect(db) as conn:
            conn.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL)")
            conn.execute("INSERT INTO users (name) VALUES ('kept')")
        env = {k: "" for k in ("APP_ENV", "FORCE_SYNC", "SCHEMAGUARD_ENV", "ENVIRONMENT", "NODE_ENV")}
        proc = run_script("sync", "--mode", "auto", "--yes", "--models", "app/models.py:Base",
                          "--db", "sqlite:///prod.db", "--format", "json", cwd=tmp_path, env={**env, **mode})
        assert proc.returncode in (0, 1), proc.stderr
        doc = json.loads(proc.stdout)
        assert doc["mode"] == "safe", doc
        with sqlite3.connect(db) as conn:
            assert conn.execute("SELECT name FROM users").fetchall() == [("kept",)]


def test_the_library_imports_models_plainly(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from schemaguard import declared, importmode

    assert importmode.mode == "mapped"
    models = tmp_path / "probe_lib.py"
    models.write_text(MODE_PROBE)
    log = tmp_path / "mode.log"
    monkeypatch.setenv("SG_MODE_LOG", str(log))
    mds, _regs = declared.load_target(f"{models}:Base")
    assert log.read_text().splitlines() == ["mapped"]
    assert "users" in mds[0].tables
    with pytest.raises(ValueError):
        declared.set_import_mode("lazy")

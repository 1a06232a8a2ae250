"""check's models cache (.schemaguard_cache): hits, misses, every invalidation, atomic writes, broken
entries, --no-cache, where it lives, and findings identical to an import on SQLite and PostgreSQL.

Every run is a fresh `python -m schemaguard` process, as users run it: a process that imported the
models once keeps them in sys.modules, which would hide what the cache does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import engine_for

from schemaguard.sources.cache import ENTRIES

ROOT = Path(__file__).resolve().parent.parent

# The models' import takes a known minimum (a constants module that loads slowly), so that the
# cold run's load_models is measurably above a hit's on any machine, however fast.
CONSTS = "import time\ntime.sleep(0.1)\nNAME_LEN = 100\n"
MODELS = '''\
import os

from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase

from consts import NAME_LEN

# Each import of this file leaves a line here: a hit must import nothing.
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "imports.log"), "a") as log:
    log.write("imported\\n")


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), nullable=False, unique=True)
    name = Column(String(NAME_LEN))


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    body = Column(Text)
'''
# The live database: users.name is shorter than declared and posts.body is missing, so a check
# has findings with files and lines to compare.
LIVE_SQL = (
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL UNIQUE, name VARCHAR(50))",
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id))",
    "CREATE INDEX ix_posts_user_id ON posts (user_id)",
)


def make_project(folder: Path, url: str | None = None) -> str:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "consts.py").write_text(CONSTS, encoding="utf-8")
    (folder / "models.py").write_text(MODELS, encoding="utf-8")
    url = url or f"sqlite:///{folder / 'live.db'}"
    engine = engine_for(url)
    with engine.begin() as conn:
        for statement in LIVE_SQL:
            conn.exec_driver_sql(statement)
    engine.dispose()
    return url


def run(cwd: Path, *args: str, env: dict[str, str] | None = None, code: str | None = None) -> subprocess.CompletedProcess[str]:
    """schemaguard in a fresh process, from this checkout, with no session cache folder set."""
    full = {k: v for k, v in os.environ.items() if k not in ("SCHEMAGUARD_CACHE_DIR", "DATABASE_URL")}
    full["PYTHONPATH"] = str(ROOT)
    full.update(env or {})
    command = [sys.executable, "-c", code, *args] if code else [sys.executable, "-m", "schemaguard", *args]
    return subprocess.run(command, cwd=cwd, env=full, capture_output=True, text=True, timeout=120, check=False)


def check(cwd: Path, url: str, *extra: str, target: str = "models.py:Base", env: dict[str, str] | None = None,
          code: str | None = None) -> tuple[str, list[Any], dict[str, Any]]:
    """(cache status, findings, timings) of a `check --format json --timings` run."""
    r = run(cwd, "check", "--models", target, "--db", url, "--format", "json", "--timings", *extra, env=env, code=code)
    assert r.returncode in (0, 1), r.stderr
    doc = json.loads(r.stdout)
    return doc["timings"]["cache"], doc["findings"], doc["timings"]


def imports(folder: Path) -> int:
    log = folder / "imports.log"
    return len(log.read_text().splitlines()) if log.exists() else 0


def entries(cache: Path) -> list[Path]:
    folder = cache / ENTRIES
    return sorted(p for p in folder.iterdir() if p.suffix == ".json" and not p.name.startswith(".")) if folder.exists() else []


def edit(path: Path, old: str, new: str, *, keep_stat: bool = False) -> None:
    """Replace text in a file; with keep_stat, the new text has the same length and the file gets
    its old modification time back: only its content tells the change."""
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")
    if keep_stat:
        assert len(old) == len(new)
        os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))


def age(folder: Path, seconds: float = 60.0) -> None:
    """Move every file's modification time into the past, as if the project were edited long ago,
    so that entries rely on stat() alone (no digest) as on a developer's machine."""
    past = time.time() - seconds
    for path in folder.rglob("*"):
        if ".schemaguard_cache" not in path.parts:
            os.utime(path, (past, past))


# --- hit, miss, where, what it holds -----------------------------------------------------------


def test_miss_then_hit_imports_nothing_and_finds_the_same(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    status, cold, timings_cold = check(tmp_path, url)
    assert status == "miss" and imports(tmp_path) == 1
    status, warm, timings_warm = check(tmp_path, url)
    assert status == "hit"
    assert imports(tmp_path) == 1, "a hit imported the models"
    assert warm == cold
    assert {(f["kind"], f["table"], f["file"], f["line"]) for f in warm} >= {
        ("type_mismatch", "users", "models.py", 21), ("column_missing", "posts", "models.py", 28)}
    assert timings_warm["load_models"] < 0.05 < timings_cold["load_models"]
    # The folder sits in the working directory (no config file), hidden from git and backups.
    cache = tmp_path / ".schemaguard_cache"
    assert (cache / ".gitignore").read_text().splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text().startswith("Signature: 8a477f597d28d172789f06886806bc55")
    assert len(entries(cache)) == 1
    # And --no-cache imports again and finds the same.
    status, plain, _ = check(tmp_path, url, "--no-cache")
    assert status == "off" and imports(tmp_path) == 2 and plain == cold


def test_identical_findings_on_postgresql(tmp_path: Path, pg_url: str) -> None:
    make_project(tmp_path, pg_url)
    _, plain, _ = check(tmp_path, pg_url, "--no-cache")
    status, cold, _ = check(tmp_path, pg_url)
    assert status == "miss"
    status, warm, _ = check(tmp_path, pg_url)
    assert status == "hit"
    assert plain == cold == warm
    assert any(f["file"] == "models.py" and f["line"] for f in warm)


def test_the_snapshot_round_trip_keeps_every_source(tmp_path: Path) -> None:
    """The entry holds the declared Schema as a snapshot: every source location survives."""
    from schemaguard.checking.check import load_declared
    from schemaguard.schema.snapshot import schema_from_dict, schema_to_dict

    make_project(tmp_path)
    cwd = os.getcwd()
    sys.path.insert(0, str(tmp_path))
    try:
        os.chdir(tmp_path)
        schema = load_declared(["models.py:Base"], "sqlite")
    finally:
        os.chdir(cwd)
        sys.path.remove(str(tmp_path))
    again = schema_from_dict(json.loads(json.dumps(schema_to_dict(schema))))
    assert again == schema
    sources = [c.source for t in again.tables for c in t.columns] + [t.source for t in again.tables]
    assert sources and all(s is not None and s.file == "models.py" and s.line for s in sources)


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    assert check(tmp_path, url, "--no-cache")[0] == "off"
    assert not (tmp_path / ".schemaguard_cache").exists()
    check(tmp_path, url)
    (entry,) = entries(tmp_path / ".schemaguard_cache")
    entry.write_text("{ not json", encoding="utf-8")
    before = entry.stat().st_mtime_ns
    assert check(tmp_path, url, "--no-cache")[0] == "off"
    assert entry.read_text(encoding="utf-8") == "{ not json" and entry.stat().st_mtime_ns == before


def test_cache_dir_from_the_environment_and_the_config(tmp_path: Path) -> None:
    url = make_project(tmp_path / "app")
    # Beside the config file, wherever the command runs from.
    (tmp_path / "schemaguard.toml").write_text(f'models = "app/models.py:Base"\ndatabase_url = "{url}"\n')
    sub = tmp_path / "app" / "deeper"
    sub.mkdir()
    r = run(sub, "check", "--format", "json", "--timings")
    assert json.loads(r.stdout)["timings"]["cache"] == "miss", r.stderr
    assert len(entries(tmp_path / ".schemaguard_cache")) == 1
    assert not (sub / ".schemaguard_cache").exists()
    r = run(sub, "check", "--format", "json", "--timings")
    assert json.loads(r.stdout)["timings"]["cache"] == "hit"
    # cache_dir in the config, relative to the config file.
    (tmp_path / "schemaguard.toml").write_text(
        f'models = "app/models.py:Base"\ndatabase_url = "{url}"\ncache_dir = "build/sg-cache"\n')
    r = run(sub, "check", "--format", "json", "--timings")
    assert json.loads(r.stdout)["timings"]["cache"] == "miss"
    assert len(entries(tmp_path / "build" / "sg-cache")) == 1
    # SCHEMAGUARD_CACHE_DIR over everything.
    elsewhere = tmp_path / "elsewhere"
    r = run(sub, "check", "--format", "json", "--timings", env={"SCHEMAGUARD_CACHE_DIR": str(elsewhere)})
    assert json.loads(r.stdout)["timings"]["cache"] == "miss"
    assert len(entries(elsewhere)) == 1
    r = run(sub, "check", "--format", "json", "--timings", env={"SCHEMAGUARD_CACHE_DIR": str(elsewhere)})
    assert json.loads(r.stdout)["timings"]["cache"] == "hit"


def test_bad_cache_config_is_a_config_error(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    (tmp_path / "schemaguard.toml").write_text('cache_env = "APP_MODE"\n')
    r = run(tmp_path, "check", "--models", "models.py:Base", "--db", url)
    assert r.returncode == 2 and "cache_env must be a list of environment variable names" in r.stderr


def test_snapshot_targets_are_not_cached(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    r = run(tmp_path, "snapshot", "--models", "models.py:Base", "--dialect", "sqlite", "-o", "declared.json")
    assert r.returncode == 0, r.stderr
    status, from_snapshot, _ = check(tmp_path, url, target="declared.json")
    assert status == "off"
    assert not (tmp_path / ".schemaguard_cache").exists()
    assert from_snapshot == check(tmp_path, url)[1]


def test_entries_of_other_targets_are_kept(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    (tmp_path / "other.py").write_text(MODELS.replace("imports.log", "other.log"), encoding="utf-8")
    assert check(tmp_path, url)[0] == "miss"
    assert check(tmp_path, url, target="other.py:Base")[0] == "miss"
    assert len(entries(tmp_path / ".schemaguard_cache")) == 2
    assert check(tmp_path, url)[0] == "hit"
    assert check(tmp_path, url, target="other.py:Base")[0] == "hit"


def test_old_entries_are_pruned(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from schemaguard.schema.snapshot import Schema
    from schemaguard.sources import cache as cache_module
    from schemaguard.sources.cache import ModelsCache

    folder = tmp_path / "c" / ENTRIES
    folder.mkdir(parents=True)
    now = time.time()
    for i in range(5):  # recent entries of other targets
        (folder / f"recent{i}.json").write_text("{}")
        os.utime(folder / f"recent{i}.json", (now - i, now - i))
    (folder / "old.json").write_text("{}")
    os.utime(folder / "old.json", (now - 40 * 24 * 3600,) * 2)
    (folder / ".tmp-killed.json").write_text("{")
    os.utime(folder / ".tmp-killed.json", (now - 7200,) * 2)
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 4)
    cache = ModelsCache(directory=tmp_path / "c")
    cache.declared(["x:Base"], "sqlite", None, lambda: Schema(dialect="sqlite", tables=()))
    left = sorted(p.name for p in folder.iterdir())
    # The new entry and the three most recently used of the others; the month-old one and the
    # temporary file of a killed run are gone.
    assert len(left) == 4 and {"recent0.json", "recent1.json", "recent2.json"} <= set(left)
    assert cache.status == "miss"
    assert cache.declared(["x:Base"], "sqlite", None, lambda: pytest.fail("built again")).tables == ()
    assert cache.status == "hit"


# --- invalidation ------------------------------------------------------------------------------


@pytest.mark.parametrize("keep_stat", [False, True], ids=["edited", "same-size-and-mtime"])
def test_an_edit_to_the_models_file_is_seen(tmp_path: Path, keep_stat: bool) -> None:
    url = make_project(tmp_path)
    check(tmp_path, url)
    # Same length and, with keep_stat, the old modification time: caught by the content digest
    # that a file changed within two seconds of the load gets.
    edit(tmp_path / "models.py", "String(200)", "String(201)", keep_stat=keep_stat)
    status, findings, _ = check(tmp_path, url)
    assert status == "miss"
    assert any(f["kind"] == "type_mismatch" and f["column"] == "email" for f in findings)
    assert check(tmp_path, url)[0] == "hit"


def test_new_modification_times_with_the_same_content_still_hit(tmp_path: Path) -> None:
    """A fresh CI checkout (or `touch`, or a branch switch and back) gives every file a new
    modification time: the content's digest decides, so the cache restored in CI still hits."""
    url = make_project(tmp_path)
    age(tmp_path, 600)
    _, first, _ = check(tmp_path, url)
    age(tmp_path, 60)
    status, again, _ = check(tmp_path, url)
    assert status == "hit" and again == first and imports(tmp_path) == 1


def test_an_edit_to_an_imported_module_is_seen(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    age(tmp_path)
    _, before, _ = check(tmp_path, url)
    assert check(tmp_path, url)[0] == "hit"
    edit(tmp_path / "consts.py", "100", "50")  # users.name now matches the database
    status, after, _ = check(tmp_path, url)
    assert status == "miss"
    assert any(f["column"] == "name" for f in before) and not any(f["column"] == "name" for f in after)


def test_an_edit_to_a_package_init_and_a_mixin_is_seen(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    pkg = tmp_path / "app"
    (pkg / "mixins").mkdir(parents=True)
    (pkg / "__init__.py").write_text("EMAIL_LEN = 200\n")
    (pkg / "mixins" / "__init__.py").write_text("")
    (pkg / "mixins" / "audit.py").write_text(
        "from sqlalchemy import Column, Text\n\nclass Audited:\n    body = Column(Text)\n")
    (pkg / "models.py").write_text(
        MODELS.replace("from consts import NAME_LEN", "from consts import NAME_LEN\nfrom app import EMAIL_LEN\n"
                       "from app.mixins.audit import Audited")
        .replace("String(200)", "String(EMAIL_LEN)")
        .replace("class Post(Base):", "class Post(Audited, Base):")
        .replace("    body = Column(Text)\n", ""))
    age(tmp_path)
    target = "app.models:Base"
    _, first, _ = check(tmp_path, url, target=target)
    assert check(tmp_path, url, target=target)[0] == "hit"
    assert any(f["kind"] == "column_missing" and f["column"] == "body" for f in first)
    edit(pkg / "__init__.py", "200", "300")
    status, findings, _ = check(tmp_path, url, target=target)
    assert status == "miss" and any(f["column"] == "email" and f["kind"] == "type_mismatch" for f in findings)
    assert check(tmp_path, url, target=target)[0] == "hit"
    edit(pkg / "mixins" / "audit.py", "body = Column(Text)", "note = Column(Text)")
    status, findings, _ = check(tmp_path, url, target=target)
    assert status == "miss"
    assert any(f["kind"] == "column_missing" and f["column"] == "note" for f in findings)
    assert not any(f["column"] == "body" for f in findings)


def test_a_deleted_module_is_seen(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    check(tmp_path, url)
    (tmp_path / "consts.py").unlink()
    r = run(tmp_path, "check", "--models", "models.py:Base", "--db", url)
    assert r.returncode == 2 and "consts" in r.stderr, r.stderr


def test_a_module_added_where_a_package_scan_finds_it_is_seen(tmp_path: Path) -> None:
    """Apps that import every module of a models package (pkgutil) get a new table from a new file."""
    url = make_project(tmp_path)
    pkg = tmp_path / "shop"
    pkg.mkdir()
    (pkg / "__init__.py").write_text(
        "import importlib, pkgutil\n"
        "from sqlalchemy.orm import DeclarativeBase\n\n"
        "class Base(DeclarativeBase):\n    pass\n\n"
        "for _m in pkgutil.iter_modules(__path__):\n    importlib.import_module(f'{__name__}.{_m.name}')\n")
    (pkg / "users.py").write_text(
        "from sqlalchemy import Column, Integer\nfrom shop import Base\n\n"
        "class User(Base):\n    __tablename__ = 'users'\n    id = Column(Integer, primary_key=True)\n")
    age(tmp_path)
    _, first, _ = check(tmp_path, url, target="shop:Base")
    assert check(tmp_path, url, target="shop:Base")[0] == "hit"
    (pkg / "orders.py").write_text(
        "from sqlalchemy import Column, Integer\nfrom shop import Base\n\n"
        "class Order(Base):\n    __tablename__ = 'orders'\n    id = Column(Integer, primary_key=True)\n")
    status, findings, _ = check(tmp_path, url, target="shop:Base")
    assert status == "miss"
    assert any(f["kind"] == "table_missing" and f["table"] == "orders" for f in findings)
    assert not any(f["table"] == "orders" for f in first)


def test_a_new_schemaguard_version_is_seen(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    check(tmp_path, url)
    assert check(tmp_path, url)[0] == "hit"
    newer = ("import sys, schemaguard; schemaguard.__version__ = '99.0.0'; sys.argv[0] = 'schemaguard'; "
             "from schemaguard.cli.app import main; main()")
    assert check(tmp_path, url, code=newer)[0] == "miss"
    assert check(tmp_path, url, code=newer)[0] == "hit"
    assert check(tmp_path, url)[0] == "hit"  # the other version's entry is kept


def test_environment_variables_listed_in_cache_env_are_part_of_the_key(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    edit(tmp_path / "consts.py", "NAME_LEN = 100", "import os\nNAME_LEN = int(os.environ.get('APP_NAME_LEN', '100'))")
    (tmp_path / "schemaguard.toml").write_text('cache_env = ["APP_NAME_LEN"]\n')
    age(tmp_path)
    status, findings, _ = check(tmp_path, url, env={"APP_NAME_LEN": "100"})
    assert status == "miss" and any(f["column"] == "name" for f in findings)
    assert check(tmp_path, url, env={"APP_NAME_LEN": "100"})[0] == "hit"
    status, findings, _ = check(tmp_path, url, env={"APP_NAME_LEN": "50"})
    assert status == "miss" and not any(f["column"] == "name" for f in findings)
    assert check(tmp_path, url, env={"APP_NAME_LEN": "50"})[0] == "hit"
    assert check(tmp_path, url, env={"APP_NAME_LEN": "100"})[0] == "hit"  # each value has its entry
    assert check(tmp_path, url)[0] == "miss"  # unset is a value too
    # The values are never written to the cache (a variable may hold a secret).
    for entry in entries(tmp_path / ".schemaguard_cache"):
        doc = json.loads(entry.read_text())
        assert doc["key"]["env"] == ["APP_NAME_LEN"] and '"50"' not in entry.read_text()


# --- broken entries and killed runs ------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"{ not json", b'{"schemaguard_cache": 1, "digest": "x"}', b"\xff\xfe\x00",
                                     b'{"schemaguard_cache": 1}', b"[1, 2]",
                                     b"[" * 100_000 + b"]" * 100_000],
                         ids=["empty", "not-json", "foreign", "binary", "truncated-entry", "list", "deeply-nested"])
def test_a_broken_or_foreign_entry_is_ignored_and_rewritten(tmp_path: Path, content: bytes) -> None:
    url = make_project(tmp_path)
    _, good, _ = check(tmp_path, url)
    (entry,) = entries(tmp_path / ".schemaguard_cache")
    entry.write_bytes(content)
    status, findings, _ = check(tmp_path, url)
    assert status == "miss" and findings == good
    assert check(tmp_path, url)[0] == "hit"


def test_an_entry_cut_short_is_ignored(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    _, good, _ = check(tmp_path, url)
    (entry,) = entries(tmp_path / ".schemaguard_cache")
    data = entry.read_bytes()
    entry.write_bytes(data[: len(data) // 2])
    assert check(tmp_path, url) [0:2] == ("miss", good)


KILL_WHILE_WRITING = """\
import os, signal, sys
from schemaguard.sources import cache

def write_half_then_die(fh, data):
    fh.write(data[: len(data) // 2])
    fh.flush()
    os.kill(os.getpid(), signal.SIGKILL)

cache._write_bytes = write_half_then_die
sys.argv[0] = "schemaguard"
from schemaguard.cli.app import main
main()
"""

KILL_BEFORE_RENAME = """\
import os, signal, sys
from schemaguard.sources import cache

def die(src, dst):
    os.kill(os.getpid(), signal.SIGKILL)

cache.os.replace = die
sys.argv[0] = "schemaguard"
from schemaguard.cli.app import main
main()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
@pytest.mark.parametrize("script", [KILL_WHILE_WRITING, KILL_BEFORE_RENAME], ids=["mid-write", "before-rename"])
@pytest.mark.parametrize("existing", [False, True], ids=["first-entry", "replacing-an-entry"])
def test_a_run_killed_while_writing_leaves_no_broken_entry(tmp_path: Path, script: str, existing: bool) -> None:
    url = make_project(tmp_path)
    cache = tmp_path / ".schemaguard_cache"
    if existing:
        check(tmp_path, url)
        (before,) = entries(cache)
        old = before.read_bytes()
        edit(tmp_path / "consts.py", "100", "50")  # the next run misses and writes the entry again
    r = run(tmp_path, "check", "--models", "models.py:Base", "--db", url, "--format", "json", code=script)
    assert r.returncode == -9, (r.returncode, r.stderr)
    left = entries(cache)
    if existing:
        assert [p.read_bytes() for p in left] == [old]  # the old entry, whole
    else:
        assert left == []
    # The next run is right (the old entry is stale: consts.py changed), writes a whole entry, and
    # the one after hits it.
    status, findings, _ = check(tmp_path, url)
    assert status == "miss"
    assert any(f["column"] == "name" for f in findings) is (not existing)
    assert check(tmp_path, url)[0] == "hit"
    for entry in entries(cache):
        json.loads(entry.read_text())


def test_an_unwritable_cache_is_no_error(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the cache folder would go")
    status, findings, _ = check(tmp_path, url, env={"SCHEMAGUARD_CACHE_DIR": str(blocker)})
    assert status == "miss" and findings
    assert check(tmp_path, url, env={"SCHEMAGUARD_CACHE_DIR": str(blocker)})[0] == "miss"


def test_the_entry_layout_keeps_every_field() -> None:
    """The entry stores each snapshot object as a list of its fields: every field, set to a value
    that is not its default, comes back; an entry of another layout is refused, never misread."""
    import dataclasses

    from schemaguard.schema.snapshot import (
        Check,
        Column,
        ForeignKey,
        Index,
        Schema,
        Source,
        Table,
        UniqueConstraint,
    )
    from schemaguard.sources.cache import _decode, _encode

    src = Source("app/models.py", 7)
    table = Table(
        name="Orders", schema="sales", model="Order", renamed_from="orders_old", source=Source("a.py", 1),
        columns=(Column("id", "INTEGER", False, "nextval('x')", True, "ident", "old_id", src,
                        identity="always", generated="id*2", comment="the key"),
                 Column("note", None, True)),
        primary_key=("id",),
        indexes=(Index("ix", ("lower(note)",), True, src, options=("DESC",)),),
        uniques=(UniqueConstraint("uq", ("id", "note"), src),),
        foreign_keys=(ForeignKey("fk", ("id",), "Users", ("id",), "auth", "CASCADE", "SET NULL", src),),
        checks=(Check("ck", "id > 0", True, src),),
    )
    schema = Schema(dialect="postgresql", tables=(table,), origin="live", schema="sales", label="m:Base",
                    flavor="sequelize", default_schema="public", lower_case_table_names=1,
                    explicit_defaults_for_timestamp=False, index_directions=False,
                    alternates=(Table("Orders", ()),))
    for obj in (schema, table, table.columns[0], table.indexes[0], table.uniques[0], table.foreign_keys[0], src):
        for f in dataclasses.fields(obj):
            if f.init and f.default is not dataclasses.MISSING:
                assert getattr(obj, f.name) != f.default, (type(obj).__name__, f.name)
    data = json.loads(json.dumps(_encode(schema)))
    assert _decode(data) == schema
    assert data["files"] == ["app/models.py", "a.py"]  # each file name once
    data["layout"][1][1] = data["layout"][1][1][:-1]  # as if Table had one field less
    with pytest.raises(ValueError):
        _decode(data)


def test_debug_says_why_the_cache_missed(tmp_path: Path) -> None:
    url = make_project(tmp_path)
    check(tmp_path, url)
    edit(tmp_path / "consts.py", "100", "50")
    r = run(tmp_path, "check", "--models", "models.py:Base", "--db", url, "--debug")
    assert f"models cache: miss (stale: {tmp_path / 'consts.py'})" in r.stderr, r.stderr


def test_an_entry_with_paths_that_are_not_strings_is_foreign(tmp_path: Path) -> None:
    """os.stat(3) would stat, and open(3) would close, one of the process's own descriptors."""
    from schemaguard.sources.cache import _stale

    with pytest.raises(TypeError):
        _stale([[3, 0, 0, "x"]], [], 0)
    with pytest.raises(TypeError):
        _stale([], [[4, 0, "x"]], 0)

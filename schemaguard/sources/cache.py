"""The models cache: the declared Schema of SQLAlchemy models targets, kept in `.schemaguard_cache/` and
reused, without importing anything, while no file the import read has changed.

How it stays right (ruff's and mypy's caches are the model):

- An entry's name is a digest of everything that decides the result besides the files: the targets
  as given, the schema asked for, the dialect, schemaguard's, Python's and SQLAlchemy's versions,
  the working directory and `sys.path` (which decide what `app.models` means), and the names and
  values of the environment variables the configuration lists (`cache_env`). Values are hashed,
  never written.
- An entry lists every file that loading the models imported (each module new in `sys.modules`
  after the load: the models, the modules they import, the packages' `__init__`s, SQLAlchemy's own
  modules when it was first imported then), schemaguard's own declared-side modules, and the
  folders those files sit in plus `sys.path`'s folders (a module added where an import or a package
  scan would find it). A hit `stat()`s them all: a file whose size or modification time differs, a
  file gone, or a folder whose importable names changed is a miss, and the models are imported.
- Each file is recorded with its size, modification time and a digest of its content. A hit
  trusts an unchanged modification time only when it was at least two seconds older than the load
  (coarse file-system clocks: an edit in the same tick keeps the time); otherwise, and whenever the
  time changed with the size unchanged (a fresh CI checkout, `touch`, switching branches and back),
  it compares the content's digest, as mypy does. A file changed while the load ran is not cached.
- Entries are written to a temporary file and renamed over the old one (`os.replace`): a run killed
  while writing leaves the old entry or none, never half of one. An unreadable, truncated or foreign
  file is a miss, and is written again; no error of the cache ever fails a check.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..schema import snapshot
from ..schema.snapshot import Schema

CACHE_FORMAT = 2
DIR_NAME = ".schemaguard_cache"
ENV_DIR = "SCHEMAGUARD_CACHE_DIR"
# Entries live in a subfolder per format, so that a newer schemaguard never reads an older layout.
ENTRIES = f"models-v{CACHE_FORMAT}"
# A modification time this close to the load (or later) may hide a same-tick edit: hash the content.
RACY_NS = 2_000_000_000
# Pruning: entries unused this long go, and at most this many are kept (the least recently used go).
MAX_AGE_S = 30 * 24 * 3600
MAX_ENTRIES = 64
# A hit refreshes its entry's modification time (the "last used" that pruning reads) at most this often.
TOUCH_AFTER_S = 24 * 3600
_GITIGNORE = "# Automatically created by schemaguard.\n*\n"
# https://bford.info/cachedir/ -- backup tools skip folders tagged so; ruff's cache carries one too.
_CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by schemaguard.\n"
    "# For information about cache directory tags, see https://bford.info/cachedir/\n"
)


@dataclass
class ModelsCache:
    """Where the cache lives and which environment variables its key includes; `status` is the
    outcome of its last use: "hit", "miss", or "off" while nothing was looked up."""

    directory: Path
    env_vars: tuple[str, ...] = ()
    status: str = "off"
    # Why the last lookup missed, for tests and --debug: "absent", "stale: <path>", "unreadable", ...
    reason: str = field(default="", repr=False)

    @classmethod
    def beside(cls, config_path: Path | None, cache_dir: str | None = None, env_vars: Sequence[str] = ()) -> ModelsCache:
        """The cache of a run: `$SCHEMAGUARD_CACHE_DIR`, else the config's `cache_dir` (relative to
        the config file), else `.schemaguard_cache/` beside the config file, else in the working
        directory."""
        env = os.environ.get(ENV_DIR)
        if env:
            directory = Path(env)
        elif cache_dir:
            base = config_path.parent if config_path is not None else Path.cwd()
            directory = base / cache_dir
        elif config_path is not None:
            directory = config_path.parent / DIR_NAME
        else:
            directory = Path.cwd() / DIR_NAME
        return cls(directory=directory.absolute(), env_vars=tuple(env_vars))

    def declared(self, targets: Sequence[str], dialect: Any, schema: str | None, build: Callable[[], Schema]) -> Schema:
        """The declared Schema of `targets` from the cache when its entry is still valid; else
        `build()` it (importing the models), record what the import read, and store it."""
        key = self._key(targets, dialect, schema)
        digest = _digest_text(json.dumps(key, sort_keys=True) + "\0" + self._env_values())
        path = self.directory / ENTRIES / f"{digest}.json"
        found = self._read(path, digest)
        if found is not None:
            self.status, self.reason = "hit", ""
            return found
        self.status = "miss"
        started = time.time_ns()
        before = set(sys.modules)
        result = build()
        new_modules = [name for name in list(sys.modules) if name not in before]
        deps = _dependencies(new_modules, started)
        if deps is not None:
            entry = {
                "schemaguard_cache": CACHE_FORMAT,
                "key": key,
                "digest": digest,
                "started_ns": started,
                "files": deps[0],
                "dirs": deps[1],
                "schema": _encode(result),
            }
            self._write(path, entry)
        return result

    # --- key ----------------------------------------------------------------------------------

    def _key(self, targets: Sequence[str], dialect: Any, schema: str | None) -> dict[str, Any]:
        import sqlalchemy

        from .. import __version__

        if isinstance(dialect, str):
            dialect_key: Any = dialect
        else:
            # A connected engine's dialect knows its server, which can change how DDL compiles.
            dialect_key = [dialect.name, getattr(dialect, "driver", None),
                           repr(getattr(dialect, "server_version_info", None)),
                           bool(getattr(dialect, "is_mariadb", False))]
        return {
            "targets": list(targets),
            "schema": schema,
            "dialect": dialect_key,
            "schemaguard": __version__,
            "python": [sys.version, sys.platform, sys.implementation.cache_tag],
            "sqlalchemy": sqlalchemy.__version__,
            "cwd": os.getcwd(),
            "sys_path": list(sys.path),
            "env": list(self.env_vars),
        }

    def _env_values(self) -> str:
        # The values decide the key but are never written: an environment variable may hold a secret.
        return "\0".join(f"{name}={os.environ.get(name, chr(1))}" for name in self.env_vars)

    # --- read ---------------------------------------------------------------------------------

    def _read(self, path: Path, digest: str) -> Schema | None:
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            self.reason = "absent"
            return None
        except OSError:
            self.reason = "unreadable"
            return None
        try:
            entry = json.loads(raw)
            del raw
            if not isinstance(entry, dict) or entry.get("schemaguard_cache") != CACHE_FORMAT or entry.get("digest") != digest:
                self.reason = "foreign"
                return None
            stale = _stale(entry["files"], entry["dirs"], int(entry["started_ns"]))
            if stale is not None:
                self.reason = f"stale: {stale}"
                return None
            schema = _decode(entry["schema"])
        except (ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
            self.reason = "broken"  # truncated, not JSON, or not an entry of this format
            return None
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime > TOUCH_AFTER_S:
                os.utime(path)
        return schema

    # --- write --------------------------------------------------------------------------------

    def _write(self, path: Path, entry: dict[str, Any]) -> None:
        """Write an entry atomically; a cache that cannot be written is no error (a read-only
        checkout, a full disk): the next run imports the models again."""
        try:
            self._prepare()
            data = json.dumps(entry, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
            try:
                with os.fdopen(fd, "wb") as fh:
                    _write_bytes(fh, data)
                os.replace(tmp, path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            self._prune(keep=path)
        except (OSError, TypeError, ValueError):
            # (TypeError/ValueError: a Schema this version cannot encode: no entry, no error.)
            pass

    def _prepare(self) -> None:
        created = not self.directory.exists()
        (self.directory / ENTRIES).mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", _GITIGNORE), ("CACHEDIR.TAG", _CACHEDIR_TAG)):
            marker = self.directory / name
            if created or not marker.exists():
                with contextlib.suppress(OSError):
                    _replace_text(marker, text)

    def _prune(self, keep: Path) -> None:
        """Entries of other targets stay; entries unused for MAX_AGE_S, the least recently used
        beyond MAX_ENTRIES, and temporary files left by killed runs go."""
        now = time.time()
        entries: list[tuple[float, Path]] = []
        for item in (self.directory / ENTRIES).iterdir():
            try:
                mtime = item.stat().st_mtime
            except OSError:
                continue
            if item.name.startswith(".tmp-"):
                if now - mtime > 3600:  # a run still writing it would have finished long ago
                    with contextlib.suppress(OSError):
                        item.unlink()
            elif item.suffix == ".json" and item != keep:
                entries.append((mtime, item))
        entries.sort(reverse=True)
        for index, (mtime, item) in enumerate(entries):
            if now - mtime > MAX_AGE_S or index >= MAX_ENTRIES - 1:
                with contextlib.suppress(OSError):
                    item.unlink()


def _write_bytes(fh: Any, data: bytes) -> None:
    # One place where the entry's bytes are written (the atomicity test kills a run in here).
    fh.write(data)


def _replace_text(path: Path, text: str) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


# --- what the import read ---------------------------------------------------------------------

_SUFFIXES: tuple[str, ...] | None = None


def _importable_suffixes() -> tuple[str, ...]:
    global _SUFFIXES
    if _SUFFIXES is None:
        from importlib.machinery import all_suffixes

        _SUFFIXES = (*all_suffixes(), ".pth")
    return _SUFFIXES


def _own_files() -> list[str]:
    """schemaguard's declared-side modules: a checkout or editable install whose code changed
    without a new version number must not reuse what the old code built."""
    here = Path(__file__).resolve().parent
    out: list[str] = []
    for folder in (here, here.parent / "schema"):
        with contextlib.suppress(OSError):
            out.extend(str(p) for p in folder.iterdir() if p.suffix == ".py")
    return out


def _dependencies(modules: Iterable[str], started_ns: int) -> tuple[list[Any], list[Any]] | None:
    """([path, size, mtime_ns, digest] of each file, [path, mtime_ns, listing digest] of each
    folder) that the modules were loaded from; None when a file changed while they were loaded
    (what was read is then unknown: the entry is not written)."""
    files: set[str] = set(_own_files())
    dirs: set[str] = set()
    for name in modules:
        module = sys.modules.get(name)
        if module is None:
            continue
        filename = getattr(module, "__file__", None)
        if isinstance(filename, str) and filename:
            path = os.path.abspath(filename)
            files.add(path)
            dirs.add(os.path.dirname(path))
        for folder in list(getattr(module, "__path__", None) or ()):
            if isinstance(folder, str):
                dirs.add(os.path.abspath(folder))  # a namespace package has folders and no file
    for entry in sys.path:
        dirs.add(os.path.abspath(entry or os.curdir))
    file_rows: list[Any] = []
    for path in sorted(files):
        try:
            st = os.stat(path)
        except OSError:
            continue  # an extension module's file gone already, a frozen module: nothing to watch
        if st.st_mtime_ns > started_ns:
            return None
        file_rows.append([path, st.st_size, st.st_mtime_ns, _file_digest(path)])
    dir_rows: list[Any] = []
    for path in sorted(dirs):
        mtime: int | None = None
        listing: str | None = None
        try:
            mtime = os.stat(path).st_mtime_ns
            listing = _listing(path) if os.path.isdir(path) else None  # a zip file on sys.path
        except OSError:
            pass  # absent (a sys.path entry not created yet): it must stay absent
        dir_rows.append([path, mtime, listing])
    return file_rows, dir_rows


def _stale(files: list[Any], dirs: list[Any], started_ns: int) -> str | None:
    """The first recorded file or folder that is no longer as it was, else None."""
    racy_from = started_ns - RACY_NS
    for path, size, mtime_ns, digest in files:
        if not isinstance(path, str):
            raise TypeError("a file path that is not a string")  # os.stat(3) would stat a descriptor
        try:
            st = os.stat(path)
        except OSError:
            return str(path)
        if st.st_size != size:
            return str(path)
        if st.st_mtime_ns == mtime_ns and mtime_ns < racy_from:
            continue
        try:
            if _file_digest(path) != digest:
                return str(path)
        except OSError:
            return str(path)
    for path, mtime_ns, listing in dirs:
        if not isinstance(path, str):
            raise TypeError("a folder path that is not a string")
        try:
            current: int | None = os.stat(path).st_mtime_ns
        except OSError:
            current = None
        if current is None or mtime_ns is None:
            if current != mtime_ns:
                return str(path)
            continue
        if current == mtime_ns and (mtime_ns < racy_from or listing is None):
            continue
        if listing is None:
            return str(path)
        # The folder changed (a file saved by rename, a new __pycache__ entry...): only a change in
        # what could be imported from it matters.
        try:
            if _listing(path) != listing:
                return str(path)
        except OSError:
            return str(path)
    return None


def _listing(path: str) -> str:
    """A digest of the names in a folder that an import could find: module files and packages (a
    folder with an `__init__`; folders without one, such as temporary ones, come and go)."""
    suffixes = _importable_suffixes()
    names = []
    with os.scandir(path) as it:
        for entry in it:
            name = entry.name
            if name.endswith(suffixes):
                names.append(name)
            elif name.isidentifier():
                with contextlib.suppress(OSError):
                    if entry.is_dir() and any(os.path.exists(os.path.join(entry.path, "__init__" + suffix))
                                              for suffix in (".py", ".pyc")):
                        names.append(name + "/")
    names.sort()
    return _digest_text("\0".join(names))


def _file_digest(path: str) -> str:
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def _digest_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


# --- the entry's Schema -------------------------------------------------------------------------
# Not the snapshot's JSON (keyed objects, indented): at 5,000 tables, the parsed tree of keyed
# objects alone is a third of a warm check's memory. Each snapshot object is a list of its fields in
# declaration order, file names are stored once, and every field is written (the layout derives from
# the dataclasses themselves: a field added to one changes the layout's fingerprint, so an entry
# written before is never read as if it had it).

# Every snapshot class but Schema itself, found rather than listed: a class the snapshot gains
# (Check...) is encoded with the others, never written as an object JSON cannot hold.
_NESTED: dict[str, type] = {cls.__name__: cls for cls in vars(snapshot).values()
           if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls.__module__ == snapshot.__name__
           and cls is not Schema}


def _layout(cls: type) -> list[tuple[str, str, type | None]]:
    """(field, how it is stored, nested class) for each constructor field of a snapshot class:
    "plain", "tuple" (of plain values), "one" (a nested object or None) or "many" (a tuple of them)."""
    import dataclasses

    out: list[tuple[str, str, type | None]] = []
    for f in dataclasses.fields(cls):
        if not f.init:
            continue
        text = str(f.type)
        nested = next((c for name, c in _NESTED.items() if name in text.replace("|", " ").replace("[", " ").replace(",", " ").split()), None)
        if text.startswith("tuple["):
            out.append((f.name, "many" if nested is not None else "tuple", nested))
        elif nested is not None:
            out.append((f.name, "one", nested))
        else:
            out.append((f.name, "plain", None))
    return out


_LAYOUTS: dict[type, list[tuple[str, str, type | None]]] = {}


def _layout_of(cls: type) -> list[tuple[str, str, type | None]]:
    layout = _LAYOUTS.get(cls)
    if layout is None:
        layout = _LAYOUTS[cls] = _layout(cls)
    return layout


def _fingerprint() -> list[Any]:
    return [[cls.__name__, [f"{name}:{how}" for name, how, _ in _layout_of(cls)]]
            for cls in (Schema, *_NESTED.values())]


def _encode(schema: Schema) -> dict[str, Any]:
    from operator import attrgetter

    files: dict[str, int] = {}
    encoders: dict[type, Callable[[Any], list[Any]]] = {}

    def encoder(cls: type) -> Callable[[Any], list[Any]]:
        found = encoders.get(cls)
        if found is not None:
            return found
        if cls is snapshot.Source:
            def encode_source(obj: Any) -> list[Any]:
                return [files.setdefault(obj.file, len(files)), obj.line]
            encoders[cls] = encode_source
            return encode_source
        layout = _layout_of(cls)
        # All fields at once (attrgetter runs in C), then the few that hold tuples or objects.
        values = attrgetter(*(name for name, _, _ in layout))
        steps = [(i, how, encoder(nested) if nested is not None else None)
                 for i, (_, how, nested) in enumerate(layout) if how != "plain"]

        def encode(obj: Any) -> list[Any]:
            row = list(values(obj))
            for i, how, inner in steps:
                value = row[i]
                if value is None:
                    continue  # an optional tuple left unknown (Table.checks on Sequelize models)
                if how == "tuple":
                    row[i] = list(value)
                elif how == "one":
                    row[i] = inner(value)  # type: ignore[misc]
                else:
                    row[i] = [inner(v) for v in value]  # type: ignore[misc]
            return row

        encoders[cls] = encode
        return encode

    body = encoder(Schema)(schema)
    return {"layout": _fingerprint(), "files": list(files), "schema": body}


def _decode(data: dict[str, Any]) -> Schema:
    if data["layout"] != _fingerprint():
        raise ValueError("written by another layout")
    files = [str(f) for f in data["files"]]
    # Equal texts (types, defaults, column names) share one string object.
    strings: dict[str, str] = {}
    makers: dict[type, Callable[[list[Any]], Any]] = {}

    def maker(cls: type) -> Callable[[list[Any]], Any]:
        found = makers.get(cls)
        if found is not None:
            return found
        if cls is snapshot.Source:
            def make_source(row: list[Any]) -> Any:
                return snapshot.Source(files[row[0]], row[1])
            makers[cls] = make_source
            return make_source
        layout = _layout_of(cls)
        steps: list[tuple[int, str, Callable[[list[Any]], Any] | None]] = []
        for index, (_, how, nested) in enumerate(layout):
            if how == "plain":
                steps.append((index, "plain", None))
            else:
                steps.append((index, how, maker(nested) if nested is not None else None))
        width = len(layout)

        def make(row: list[Any]) -> Any:
            if len(row) != width:
                raise ValueError("a row of the wrong width")
            for index, how, inner in steps:
                value = row[index]
                if value is None:
                    continue
                if how == "plain":
                    if type(value) is str:
                        row[index] = strings.setdefault(value, value)
                elif how == "tuple":
                    row[index] = tuple([strings.setdefault(v, v) if type(v) is str else v for v in value])
                elif how == "one":
                    if value is not None:
                        row[index] = inner(value)  # type: ignore[misc]
                else:
                    # Rows are turned into objects one by one and dropped from the parsed tree, so
                    # the tree and the objects are never all in memory at once.
                    out = []
                    for i in range(len(value)):
                        out.append(inner(value[i]))  # type: ignore[misc]
                        value[i] = None
                    row[index] = tuple(out)
            return cls(*row)

        makers[cls] = make
        return make

    schema = maker(Schema)(data["schema"])
    if not isinstance(schema, Schema):
        raise ValueError("not a schema")
    return schema

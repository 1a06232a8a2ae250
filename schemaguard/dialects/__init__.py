"""One module per database: everything PostgreSQL, SQLite and MySQL/MariaDB do differently.

The rest of schemaguard asks a `Dialect` object (`dialect_of(engine)`, `dialect_named("sqlite")`)
what it needs to know about a database; it never compares a dialect's name. Adding a database means
adding its module here and a line to `_MODULES`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .base import Dialect

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect as SADialect

__all__ = ["Dialect", "canonical_text", "canonical_type", "dialect_named", "dialect_of", "sqlalchemy_dialect"]

# SQLAlchemy's dialect name -> the module that knows that database.
_MODULES = {"postgresql": "postgresql", "sqlite": "sqlite", "mysql": "mysql", "mariadb": "mysql"}
# Names people write for a database, as SQLAlchemy names it.
_ALIASES = {"postgres": "postgresql", "pg": "postgresql"}
_LOADED: dict[str, Dialect] = {}


def dialect_named(name: str) -> Dialect:
    """The Dialect of a database by SQLAlchemy's name for it; the general answers for a database
    that has no module here."""
    name = _ALIASES.get(name, name)
    found = _LOADED.get(name)
    if found is None:
        module = _MODULES.get(name)
        if module is None:
            found = type(f"{name.title()}Dialect", (Dialect,), {"name": name, "title": name})()
        else:
            found = importlib.import_module(f".{module}", __name__).DIALECT
        _LOADED[name] = found
    return found


def dialect_of(thing: Any) -> Dialect:
    """The Dialect of a name, a SQLAlchemy Dialect, Engine, Connection or URL, or a Schema."""
    if isinstance(thing, Dialect):
        return thing
    if isinstance(thing, str):
        return dialect_named(thing)
    get_backend_name = getattr(thing, "get_backend_name", None)
    if get_backend_name is not None:  # a URL
        return dialect_named(get_backend_name())
    sa_dialect = getattr(thing, "dialect", thing)  # an Engine, a Connection, a Schema, or a Dialect
    return dialect_named(sa_dialect if isinstance(sa_dialect, str) else sa_dialect.name)


def names() -> tuple[str, ...]:
    """The databases schemaguard has a module for, by the names a user gives them (--dialect)."""
    return tuple(sorted(set(_MODULES.values())))


def canonical_type(type_: Any, sa_dialect: SADialect) -> str | None:
    """The canonical text of a SQLAlchemy type on a SQLAlchemy dialect (None for NullType)."""
    return dialect_named(sa_dialect.name).canonical_type(type_, sa_dialect)


def canonical_text(text: str, dialect_name: str) -> str:
    """Fold a compiled or reflected type text into the canonical spelling for its database."""
    return dialect_named(dialect_name).canonical_text(text)


def sqlalchemy_dialect(name: str) -> SADialect:
    """A SQLAlchemy dialect instance by name, without a database connection."""
    from sqlalchemy.dialects import registry

    from ..errors import ModelsError

    name = _ALIASES.get(name, name)
    try:
        cls = registry.load(name)
    except Exception as exc:
        raise ModelsError(f"unknown dialect {name!r}", hint="use postgresql, sqlite or mysql") from exc
    # SQLAlchemy's `mariadb` entry loads a dialect already made (an instance), the others a class.
    return cls() if isinstance(cls, type) else cls  # type: ignore[no-any-return]

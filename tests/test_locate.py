"""Model source lines come from a scan of the text that must agree with Python's own parser.

schemaguard.sources.locate reads class and attribute lines without ast.parse (too slow and too big for
models modules of thousands of classes). The reference here is the parser: for every models file
in the repository, the benchmark's generated module and a file written to trip a scanner
(strings and comments that look like code, continuation lines, nested and repeated classes, tabs),
the scan must find what ast.walk finds.
"""

from __future__ import annotations

import ast
import importlib.util
from pathlib import Path

import pytest
from conftest import ROOT, bench_check

from schemaguard.sources.locate import _classes, _statement_starts, _statement_starts_by_token


def by_parser(path: Path) -> dict[str, tuple[int, dict[str, int]]]:
    """What the scan must give, from ast: the first class of each name in ast.walk order, and the
    Name targets of the Assign/AnnAssign statements of its body."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: dict[str, tuple[int, dict[str, int]]] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name not in out:
            attrs: dict[str, int] = {}
            for stmt in node.body:
                targets: list[ast.expr] = []
                if isinstance(stmt, ast.Assign):
                    targets = list(stmt.targets)
                elif isinstance(stmt, ast.AnnAssign):
                    targets = [stmt.target]
                for tgt in targets:
                    if isinstance(tgt, ast.Name):
                        attrs[tgt.id] = stmt.lineno
            out[node.name] = (node.lineno, attrs)
    return out


TRICKY = '''"""A module docstring that shows code:

class User(Base):
    id = Column(Integer)
"""
import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

x = ("""
class Fake:
    a = 1
""", 'class AlsoFake: b = 2')
# class Commented:
#     c = 3


class Base(DeclarativeBase):
    pass


class User(Base):
    """Users.

    name = not an attribute
    """

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(
    sa.String(50),
    server_default="x",
    )
    email = sa.Column(
        sa.String(200),
        info={"renamed_from": "mail"},
    ); other = 1
    a = b = sa.Column(sa.Integer)
    nick: Mapped[str]
    note = sa.Column(sa.Text, default="it's a \\"quote\\" # not a comment")
    total = sa.Column(sa.Numeric(10, 2)) \\
        # continued
    if True:
        hidden = 1
    else:
        hidden2 = 2
    x += 1
    y == 2
    deep = sa.Column(sa.JSON, default=lambda: {"a": [{"b": [{"c": [(1, (2, (3, (4, (5, (6, (7, (8, (9,)))))))))]}]}]})
    after_deep: Mapped[int] = mapped_column()

    def method(self) -> int:
        inner = 1
        return inner

    class Nested:
        n = 1

    async_ = 1
    ok = True


class Nested:
    top_level = 1


def factory():
    class User:
        shadow = 1
    return User


class Tabbed(Base):
\t__tablename__ = "tabbed"
\tid = sa.Column(sa.Integer, primary_key=True)
\tif True:
\t\tinner = 1
\tlast = sa.Column(sa.Integer)


class Ünïcode(Base):
    __tablename__ = "ünïcode"
    ïd = sa.Column(sa.Integer, primary_key=True)
    f = sa.Column(sa.String, default=f"{'a'}")
    rb = sa.Column(sa.String, default=rb"\\d")
'''


def repository_models() -> list[Path]:
    found = [p for p in (ROOT / "tests" / "cases").glob("*/models.py")]
    found += [p for p in (ROOT / "examples").rglob("*.py") if "models" in p.name]
    return sorted(found)


@pytest.mark.parametrize("path", repository_models(), ids=lambda p: str(p.relative_to(ROOT)))
def test_repository_models(path: Path) -> None:
    assert _classes(str(path)) == by_parser(path)


def test_tricky_file(tmp_path: Path) -> None:
    path = tmp_path / "tricky.py"
    path.write_text(TRICKY, encoding="utf-8")
    compile(TRICKY, str(path), "exec")  # it is valid Python
    expected = by_parser(path)
    assert set(expected) == {"Base", "User", "Nested", "Tabbed", "Ünïcode"}
    assert _classes(str(path)) == expected
    text = path.read_text(encoding="utf-8")
    # Brackets nested deeper than the one-match scan handles: the token scan takes over.
    assert _statement_starts(text) == _statement_starts_by_token(text)[: len(_statement_starts(text))]


def test_generated_benchmark_models(tmp_path: Path) -> None:
    path = tmp_path / "models_300.py"
    path.write_text(bench_check().generate_models(300, 5), encoding="utf-8")
    assert _classes(str(path)) == by_parser(path)


@pytest.mark.parametrize(
    "module", ["optuna.storages._rdb.models", "apscheduler.jobstores.sqlalchemy", "sqlalchemy.orm.decl_api"]
)
def test_installed_modules(module: str) -> None:
    spec = importlib.util.find_spec(module)
    if spec is None or spec.origin is None:
        pytest.skip(f"{module} is not installed")
    assert _classes(spec.origin) == by_parser(Path(spec.origin))


def test_unreadable_file(tmp_path: Path) -> None:
    assert _classes(str(tmp_path / "missing.py")) == {}
    binary = tmp_path / "binary.py"
    binary.write_bytes(b"\xff\xfe\x00")
    assert _classes(str(binary)) == {}

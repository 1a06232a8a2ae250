"""The diff's shortcut for unchanged tables (changes._unchanged_tables) changes nothing it returns.

diff() skips the per-table comparison of tables it recognises as unchanged. The reference is the
same diff with the shortcut turned off: on every golden case (reflected from SQLite and
PostgreSQL) and on random declared schemas against random drifts of them (the sync property
test's strategies), both must return equal lists of changes, in the same order.
"""

from __future__ import annotations

from typing import Any

import pytest
from golden import CASES, CASES_DIR, apply_live, dialect_of, live_sql, models_target
from hypothesis import given, note
from hypothesis import strategies as st
from test_property import build_metadata
from test_sync_property import declared_schemas, drifted

from schemaguard.checking.check import _select, load_declared, load_live
from schemaguard.drift import diff as changes
from schemaguard.schema.snapshot import Schema
from schemaguard.sources.declared import declared_snapshot


def both_ways(declared: Schema, live: Schema, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> list[Any]:
    fast = changes.diff(declared, live, **kw)
    with monkeypatch.context() as m:
        m.setattr(changes, "_unchanged_tables", lambda exact, resolver: set())
        full = changes.diff(declared, live, **kw)
    assert fast == full
    return fast


@pytest.mark.parametrize("case", CASES)
def test_golden_cases(case: str, db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = CASES_DIR / case
    dialect = dialect_of(db_url)
    apply_live(db_url, live_sql(folder, dialect).read_text(encoding="utf-8"))
    live = load_live(db_url)
    declared = load_declared(models_target(folder), dialect)
    compared, outside, _ = _select(declared, live, (), ())
    both_ways(compared, live, monkeypatch, outside=outside)
    both_ways(compared, compared, monkeypatch)  # unchanged through and through: the shortcut's case


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_random_drifts(backend: str, monkeypatch: pytest.MonkeyPatch) -> None:
    @given(st.data())
    def run(data: st.DataObject) -> None:
        declared_spec = data.draw(declared_schemas(backend), label="declared")
        live_spec, mutations = data.draw(drifted(declared_spec, backend), label="drift")
        note("mutations:\n  " + "\n  ".join(mutations or ["(none)"]))
        declared = declared_snapshot(build_metadata(declared_spec, backend), backend)
        live = declared_snapshot(build_metadata(live_spec, backend), backend)
        found = both_ways(declared, live, monkeypatch)
        assert both_ways(declared, declared, monkeypatch) == []
        note(f"{len(found)} change(s)")

    run()

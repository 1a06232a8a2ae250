"""sync on MySQL/MariaDB: the verification after an undo sees what the diff does not (a name).

Found by the alter-sync round-trip property (tests/test_sync_property.py) on MariaDB.
"""

from __future__ import annotations

from typing import Any

import pytest
import sqlalchemy as sa
from test_sync_mysql import _engine, _failing_step

from schemaguard.apply.sync import SyncFailed, safe_sync
from schemaguard.plan import Step

pytestmark = pytest.mark.mysql


def test_an_undo_that_leaves_an_index_under_another_name_is_not_called_restored(
        mysql_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the alter-sync property on MariaDB: an index over a key's column took over from the
    index InnoDB made for the key, so its undo (DROP INDEX) failed; undoing the column before it then
    shrank that index to the key's column alone. The diff matches indexes by their columns and saw
    nothing, but the index InnoDB had named `parent` is now `ix_takeover`: a later CREATE INDEX
    ix_takeover would fail. The verification must say the database is not as it was."""
    import schemaguard.plan as planning

    def table(md: sa.MetaData) -> None:
        sa.Table("t", md, sa.Column("id", sa.String(20), primary_key=True),
                 sa.Column("parent", sa.String(20), sa.ForeignKey("t.id")))

    live = sa.MetaData()
    table(live)
    engine = _engine(mysql_url)
    live.create_all(engine)
    engine.dispose()
    real = planning.make_plan

    def make_plan(*args: Any, **kwargs: Any) -> Any:
        plan = real(*args, **kwargs)
        plan.steps[:] = [
            Step("add_column", "t", "x", ["ALTER TABLE t ADD COLUMN x INTEGER"], undo=["ALTER TABLE t DROP COLUMN x"]),
            Step("create_index", "t", None, ["CREATE INDEX ix_takeover ON t (parent, x)"],
                 undo=["DROP INDEX ix_takeover ON t"]),
            _failing_step(3),
        ]
        return plan

    monkeypatch.setattr(planning, "make_plan", make_plan)
    with pytest.raises(SyncFailed) as info:
        safe_sync(mysql_url, live, mode="safe", environ={})
    undoing = info.value.undoing
    assert undoing is not None and undoing.undone == [1] and [n for n, _ in undoing.undo_errors] == [2]
    assert undoing.restored is False
    assert any("ix_takeover" in d and "parent" in d for d in undoing.differences), undoing.differences
    assert "the database is NOT as it was" in str(info.value)

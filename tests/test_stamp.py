"""The database's own record of its environment: written, read, changed, and ignored by check."""

from __future__ import annotations

import sqlalchemy as sa
from conftest import engine_for

from schemaguard.apply.stamp import read_stamp, write_stamp
from schemaguard.checking.check import check


def test_stamp_round_trip_and_change(db_url: str) -> None:
    eng = engine_for(db_url)
    try:
        with eng.connect() as conn:
            assert read_stamp(conn) is None
        with eng.begin() as conn:
            assert write_stamp(conn, "production") is None
        with eng.connect() as conn:
            first = read_stamp(conn)
        assert first is not None and first.environment == "production" and first.stamped_by
        with eng.begin() as conn:
            previous = write_stamp(conn, "development")
        assert previous is not None and previous.environment == "production"
        with eng.connect() as conn:
            again = read_stamp(conn)
            assert again is not None and again.environment == "development"
            assert conn.execute(sa.text("SELECT count(*) FROM schemaguard_environment")).scalar() == 1
    finally:
        eng.dispose()


def test_a_failed_transaction_leaves_no_stamp(db_url: str) -> None:
    eng = engine_for(db_url)
    try:
        conn = eng.connect()
        trans = conn.begin()
        write_stamp(conn, "development")
        trans.rollback()
        conn.close()
        with eng.connect() as conn:
            assert read_stamp(conn) is None
    finally:
        eng.dispose()


def test_check_ignores_the_stamp_table(db_url: str) -> None:
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True))
    eng = engine_for(db_url)
    try:
        md.create_all(eng)
        with eng.begin() as conn:
            write_stamp(conn, "staging")
    finally:
        eng.dispose()
    assert check(db_url, md).findings == []
    bookkeeping = check(db_url, md, include_bookkeeping=True).findings
    assert [(f.kind, f.table) for f in bookkeeping] == [("table_extra", "schemaguard_environment")]

"""The fixtures themselves: both backends give a fresh, empty database."""

import sqlalchemy as sa
from conftest import engine_for


def test_fresh_database_is_empty(db_url: str) -> None:
    eng = engine_for(db_url)
    try:
        assert sa.inspect(eng).get_table_names() == []
    finally:
        eng.dispose()

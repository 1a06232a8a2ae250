"""A test fixture may reset a throwaway database, and says so."""

import pytest

from .models import Base


@pytest.fixture
def db(engine):
    Base.metadata.create_all(engine)
    yield engine
    # schemaguard: ignore force_reset -- throwaway test database
    Base.metadata.drop_all(engine)

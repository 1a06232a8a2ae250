"""Application code that only creates what is missing."""

from sqlalchemy import create_engine

from .models import Base

engine = create_engine("postgresql://app@db/shop")


def init_db():
    Base.metadata.create_all(engine, checkfirst=True)


def drop_all_caches(cache):
    cache.clear()  # a function named drop_all_* is not drop_all()

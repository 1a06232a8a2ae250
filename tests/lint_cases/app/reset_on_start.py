"""The origin story in Python: the app wipes its own schema on every start."""

from flask import Flask
from sqlalchemy import create_engine

from .models import Base

app = Flask(__name__)
engine = create_engine("postgresql://app@db/shop")


def init_db():
    Base.metadata.drop_all(engine)  # expect: force_reset
    Base.metadata.create_all(engine)


def purge(db):
    db.drop_all()  # expect: force_reset


@app.before_request
def _startup():
    init_db()

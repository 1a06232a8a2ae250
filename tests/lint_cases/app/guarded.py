"""drop_all() behind environment checks: warnings, not errors."""

import os

from flask import current_app

from .models import Base, db, engine, settings


def dev_reset():
    if os.environ.get("APP_ENV") == "development":
        Base.metadata.drop_all(bind=engine)  # expect: force_reset


def test_reset(app):
    if app.config["TESTING"]:
        db.drop_all()  # expect: force_reset


def debug_reset():
    if not settings.DEBUG:
        return
    Base.metadata.drop_all(engine)  # expect: force_reset


def prod_reset():
    if os.getenv("ENV") == "production":
        db.drop_all()  # expect: force_reset


def flagged():
    current_app.config.get("FORCE_SYNC") and db.drop_all()  # expect: force_reset
    # A string that mentions db.drop_all() is no call:
    return "db.drop_all()"

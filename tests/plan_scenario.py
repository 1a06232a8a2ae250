"""One drifted database and its models, planned in every mode on both backends: the golden plans
(tests/test_plan_golden.py) and the Alembic revision tests (tests/test_alembic_revision.py)."""

MODELS = '''\
from sqlalchemy import Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    id = Column(Integer, primary_key=True)
    email = Column(String(200), nullable=False, unique=True)
    name = Column(String(100), server_default="it's: :anon")
    nick = Column(String(50), info={"renamed_from": "nickname"})
    code = Column(String(10), nullable=False, server_default="b")


class Post(Base):
    __tablename__ = "posts"
    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    body = Column(Text)
    old_ref = Column(Integer)


class Category(Base):
    __tablename__ = "categories"
    __table_args__ = {"info": {"renamed_from": "category"}}
    id = Column(Integer, primary_key=True)
    name = Column(String(50))


class Event(Base):
    __tablename__ = "events"
    id = Column(Integer, primary_key=True)
    title = Column(String(200), nullable=False)


class Tag(Base):
    __tablename__ = "tags"
    id = Column(Integer, primary_key=True)
    post_id = Column(Integer, ForeignKey("posts.id"))
'''

# Every reversible step kind on PostgreSQL: create_table, add_column, alter_column (type, NOT NULL,
# default), rename_column, create_index, drop_index, add_unique, add_foreign_key, drop_constraint.
PG_LIVE = [
    "CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(100), nickname VARCHAR(50), legacy INTEGER, "
    "code VARCHAR(10) NOT NULL DEFAULT 'a')",
    "CREATE INDEX ix_legacy ON users (legacy) WHERE legacy > 0",
    "CREATE TABLE posts (id SERIAL PRIMARY KEY, user_id INTEGER NOT NULL, body TEXT, "
    "old_ref INTEGER CONSTRAINT posts_old_ref_fkey REFERENCES users (id) ON DELETE SET NULL)",
    "CREATE TABLE category (id INTEGER PRIMARY KEY, name VARCHAR(50))",
    "CREATE TABLE events (id INTEGER PRIMARY KEY, title VARCHAR(100))",
    "INSERT INTO events (id, title) VALUES (1, 'launch')",
    "INSERT INTO category (id, name) VALUES (1, 'music')",
    "INSERT INTO users (email, nickname, legacy) VALUES ('a@x', 'a', 7), ('b@x', 'b', 8)",
    "INSERT INTO posts (user_id, body, old_ref) VALUES (1, 'hello', 2)",
]
# SQLite: what it does without a rebuild is reversible; the rebuild of posts (a new key) is not.
SQLITE_LIVE = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL, nickname VARCHAR(50), "
    "legacy INTEGER, code VARCHAR(10) NOT NULL DEFAULT 'b')",
    "CREATE INDEX ix_legacy ON users (legacy) WHERE legacy > 0",
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, body TEXT, old_ref INTEGER)",
    "CREATE TABLE category (id INTEGER PRIMARY KEY, name VARCHAR(50))",
    "CREATE TABLE events (id INTEGER PRIMARY KEY, title VARCHAR(100))",
    "INSERT INTO events (id, title) VALUES (1, 'launch')",
    "INSERT INTO category (id, name) VALUES (1, 'music')",
    "INSERT INTO users (email, nickname, legacy) VALUES ('a@x', 'a', 7), ('b@x', 'b', 8)",
    "INSERT INTO posts (user_id, body, old_ref) VALUES (1, 'hello', 2)",
]

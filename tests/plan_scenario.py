"""One drifted database and its models, planned in every mode on both backends: the golden plans
(tests/test_plan_golden.py) and the Alembic revision tests (tests/test_alembic_revision.py)."""

MODELS = '''\
from sqlalchemy import CheckConstraint, Column, ForeignKey, Integer, String, Text
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"
    # The database says length(code) <= 5: check_mismatch (alter: dropped and added again).
    __table_args__ = (CheckConstraint("length(code) <= 2", name="ck_users_code"),)
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
    # A row breaks it ('music'): add_check is skipped with the count.
    __table_args__ = (CheckConstraint("name <> 'music'", name="ck_categories_name"),
                      {"info": {"renamed_from": "category"}})
    id = Column(Integer, primary_key=True)
    name = Column(String(50))


class Event(Base):
    __tablename__ = "events"
    # Missing in the database (add_check); the database's ck_events_id is not in the model (drop_check).
    __table_args__ = (CheckConstraint("length(title) BETWEEN 1 AND 200"),)
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
    "code VARCHAR(10) NOT NULL DEFAULT 'a', CONSTRAINT ck_users_code CHECK (length(code) <= 5))",
    "CREATE INDEX ix_legacy ON users (legacy) WHERE legacy > 0",
    "CREATE TABLE posts (id SERIAL PRIMARY KEY, user_id INTEGER NOT NULL, body TEXT, "
    "old_ref INTEGER CONSTRAINT posts_old_ref_fkey REFERENCES users (id) ON DELETE SET NULL)",
    "CREATE TABLE category (id INTEGER PRIMARY KEY, name VARCHAR(50))",
    "CREATE TABLE events (id INTEGER PRIMARY KEY, title VARCHAR(100), CONSTRAINT ck_events_id CHECK (id > 0))",
    "INSERT INTO events (id, title) VALUES (1, 'launch')",
    "INSERT INTO category (id, name) VALUES (1, 'music')",
    "INSERT INTO users (email, nickname, legacy) VALUES ('a@x', 'a', 7), ('b@x', 'b', 8)",
    "INSERT INTO posts (user_id, body, old_ref) VALUES (1, 'hello', 2)",
]
# SQLite: what it does without a rebuild is reversible; the rebuild of posts (a new key) is not.
SQLITE_LIVE = [
    "CREATE TABLE users (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL, nickname VARCHAR(50), "
    "legacy INTEGER, code VARCHAR(10) NOT NULL DEFAULT 'b', CONSTRAINT ck_users_code CHECK (length(code) <= 5))",
    "CREATE INDEX ix_legacy ON users (legacy) WHERE legacy > 0",
    "CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL, body TEXT, old_ref INTEGER)",
    "CREATE TABLE category (id INTEGER PRIMARY KEY, name VARCHAR(50))",
    "CREATE TABLE events (id INTEGER PRIMARY KEY, title VARCHAR(100), CONSTRAINT ck_events_id CHECK (id > 0))",
    "INSERT INTO events (id, title) VALUES (1, 'launch')",
    "INSERT INTO category (id, name) VALUES (1, 'music')",
    "INSERT INTO users (email, nickname, legacy) VALUES ('a@x', 'a', 7), ('b@x', 'b', 8)",
    "INSERT INTO posts (user_id, body, old_ref) VALUES (1, 'hello', 2)",
]

# Native enum labels (PostgreSQL): 'refunded' missing from order_state, placed after 'paid'; 'new'
# missing before 'open' (the model's first label); 'void' only in the database (skipped with the
# recipe); a default and a CHECK that use the new label wait for the next sync.
ENUM_MODELS = '''\
from sqlalchemy import CheckConstraint, Column, Enum, Integer
from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass


STATE = Enum("new", "open", "paid", "refunded", name="order_state")


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (CheckConstraint("state <> 'refunded' OR total < 0", name="ck_orders_refund"),)
    id = Column(Integer, primary_key=True)
    state = Column(STATE, nullable=False, server_default="refunded")
    total = Column(Integer)


class Refund(Base):
    __tablename__ = "refunds"
    id = Column(Integer, primary_key=True)
    state = Column(STATE)
'''

ENUM_PG_LIVE = [
    "CREATE TYPE order_state AS ENUM ('open', 'paid', 'void')",
    "CREATE TABLE orders (id SERIAL PRIMARY KEY, state order_state NOT NULL, total INTEGER)",
    "CREATE TABLE refunds (id SERIAL PRIMARY KEY, state order_state)",
    "INSERT INTO orders (state, total) VALUES ('paid', 10)",
]

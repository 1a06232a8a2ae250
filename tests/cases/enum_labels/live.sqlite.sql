-- SQLite has no enum type: SQLAlchemy stores an Enum as VARCHAR sized for its longest value.
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    state VARCHAR(8) NOT NULL,
    channel VARCHAR(4) NOT NULL,
    priority VARCHAR(4) NOT NULL
);
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    state VARCHAR(8) NOT NULL
);

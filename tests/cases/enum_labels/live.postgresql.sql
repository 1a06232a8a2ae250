CREATE TYPE order_state AS ENUM ('open', 'paid');
CREATE TYPE order_channel AS ENUM ('web', 'shop', 'unknown');
CREATE TYPE order_priority AS ENUM ('high', 'low');
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    state order_state NOT NULL,
    channel order_channel NOT NULL,
    priority order_priority NOT NULL
);
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL REFERENCES orders (id),
    state order_state NOT NULL
);

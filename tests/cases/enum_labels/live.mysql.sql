CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    state ENUM('open', 'paid') NOT NULL,
    channel ENUM('web', 'shop', 'unknown') NOT NULL,
    priority ENUM('high', 'low') NOT NULL
);
CREATE TABLE order_events (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    state ENUM('open', 'paid') NOT NULL,
    FOREIGN KEY (order_id) REFERENCES orders (id)
);

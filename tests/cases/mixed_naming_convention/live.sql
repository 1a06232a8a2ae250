CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    first_name VARCHAR(80) NOT NULL,
    last_name VARCHAR(80) NOT NULL,
    created_at TIMESTAMP NOT NULL
);
CREATE TABLE order_items (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    unit_price_cents INTEGER NOT NULL,
    shipped_at TIMESTAMP,
    tracking_code VARCHAR(40)
);
CREATE TABLE product_reviews (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    star_rating INTEGER NOT NULL
);

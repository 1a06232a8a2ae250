-- Written by hand the way a DBA would, not by SQLAlchemy: other spellings of the same schema
-- (a UNIQUE constraint made as a unique index, DEFAULT false, CURRENT_TIMESTAMP) must not count.
CREATE TABLE customers (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    display_name VARCHAR(80),
    is_verified BOOLEAN NOT NULL DEFAULT false,
    created_at TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX customers_email_key ON customers (email);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku VARCHAR(32) NOT NULL,
    title VARCHAR(200) NOT NULL,
    description TEXT,
    price NUMERIC(10, 2) NOT NULL,
    stock INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX ix_products_sku ON products (sku);

CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id) ON DELETE CASCADE,
    status VARCHAR(20) NOT NULL DEFAULT 'new',
    placed_at TIMESTAMP
);
CREATE INDEX ix_orders_customer_placed ON orders (customer_id, placed_at);

CREATE TABLE order_lines (
    order_id INTEGER NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no INTEGER NOT NULL,
    product_id INTEGER NOT NULL REFERENCES products (id),
    quantity INTEGER NOT NULL DEFAULT 1,
    unit_price NUMERIC(10, 2) NOT NULL,
    PRIMARY KEY (order_id, line_no),
    CONSTRAINT uq_order_lines_product UNIQUE (order_id, product_id)
);
CREATE INDEX ix_order_lines_product_id ON order_lines (product_id);

INSERT INTO customers (id, email, display_name) VALUES (1, 'ada@example.com', 'Ada');
INSERT INTO products (id, sku, title, price, stock) VALUES (1, 'BK-001', 'Notes on the Engine', 12.50, 40);
INSERT INTO orders (id, customer_id, placed_at) VALUES (1, 1, '2024-03-01 10:00:00');
INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price) VALUES (1, 1, 1, 2, 12.50);

CREATE TABLE order_lines (
    order_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    sku VARCHAR(32) NOT NULL,
    PRIMARY KEY (order_id)
);
INSERT INTO order_lines (order_id, line_no, sku) VALUES (1, 1, 'BK-001');

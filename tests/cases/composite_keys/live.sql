CREATE TABLE order_lines (
    order_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    sku VARCHAR(32) NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE TABLE shipments (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL,
    carrier VARCHAR(20) NOT NULL,
    tracking_no VARCHAR(40) NOT NULL,
    FOREIGN KEY (order_id, line_no) REFERENCES order_lines (order_id, line_no) ON DELETE CASCADE,
    -- the same columns in another order: the same constraint
    CONSTRAINT uq_shipments_tracking UNIQUE (tracking_no, carrier)
);
CREATE TABLE refunds (
    id INTEGER PRIMARY KEY,
    order_id INTEGER NOT NULL,
    line_no INTEGER NOT NULL
);
INSERT INTO order_lines VALUES (1, 1, 'BK-001');
INSERT INTO shipments VALUES (1, 1, 1, 'ups', '1Z999');

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    sku VARCHAR(8) NOT NULL,
    stock INTEGER NOT NULL,
    status VARCHAR(10) NOT NULL,
    price NUMERIC(10, 2) NOT NULL,
    discount INTEGER NOT NULL,
    weight INTEGER NOT NULL CHECK (weight > 0),
    active BOOLEAN NOT NULL,
    legacy BOOLEAN NOT NULL,
    CONSTRAINT ck_products_stock CHECK (stock BETWEEN 0 AND 1000),
    CHECK (status IN ('new', 'sold')),
    CHECK (price >= -1),
    CONSTRAINT ck_products_discount CHECK (discount <= 50),
    CONSTRAINT ck_products_positive_id CHECK (id > 0)
);

CREATE TABLE products (
    id INTEGER PRIMARY KEY,
    title VARCHAR(255) NOT NULL,
    slug VARCHAR(100) NOT NULL,
    summary VARCHAR(100),
    weight NUMERIC(12, 4) NOT NULL,
    price NUMERIC(10, 2) NOT NULL,
    views INTEGER NOT NULL,
    stock BIGINT NOT NULL
);
INSERT INTO products (id, title, slug, summary, weight, price, views, stock)
VALUES (1, 'The Analytical Engine: a long and detailed history of a machine never finished', 'analytical-engine',
        'A history.', 1.2345, 19.99, 1024, 5000000000);

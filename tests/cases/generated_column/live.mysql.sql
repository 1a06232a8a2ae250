CREATE TABLE "lines" (
    id INTEGER PRIMARY KEY,
    price INTEGER NOT NULL,
    quantity INTEGER NOT NULL,
    total INTEGER GENERATED ALWAYS AS (price * quantity) STORED,
    doubled INTEGER GENERATED ALWAYS AS (price + price) STORED,
    tax INTEGER
);
INSERT INTO "lines" (id, price, quantity, tax) VALUES (1, 10, 3, 1);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
CREATE TABLE admins (
    id INTEGER PRIMARY KEY,
    name VARCHAR(80) NOT NULL
);
CREATE TABLE orders (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users (id),
    reviewer_id INTEGER REFERENCES admins (id),
    approver_id INTEGER REFERENCES admins (id) ON DELETE SET NULL
);
INSERT INTO users VALUES (1, 'ada@example.com');
INSERT INTO admins VALUES (1, 'Grace');
INSERT INTO orders VALUES (1, 1, 1, 1);

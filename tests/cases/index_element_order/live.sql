CREATE TABLE releases (
    id INTEGER PRIMARY KEY,
    name VARCHAR(100) NOT NULL,
    major INTEGER NOT NULL,
    minor INTEGER NOT NULL
);
CREATE INDEX ix_releases_latest ON releases (name, major DESC, minor DESC);
CREATE INDEX ix_releases_recent ON releases (major, lower(name));
INSERT INTO releases VALUES (1, 'app', 2, 5);

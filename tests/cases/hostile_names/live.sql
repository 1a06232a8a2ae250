-- Each name is quoted exactly once, the standard SQL way ("" for a quote inside a name).
CREATE TABLE "weird ""name""; drop" (
    id INTEGER PRIMARY KEY,
    "first name" VARCHAR(80) NOT NULL,
    "say ""hi""" VARCHAR(20) DEFAULT 'it''s',
    "semi;colon" VARCHAR(20),
    "100% :done" INTEGER,
    CONSTRAINT "uq ""weird""; semi" UNIQUE ("semi;colon")
);
CREATE INDEX "ix_weird ""name""; drop_100% :done" ON "weird ""name""; drop" ("100% :done");
CREATE TABLE "café" (
    id INTEGER PRIMARY KEY,
    "naïve" VARCHAR(40) NOT NULL,
    weird_id INTEGER REFERENCES "weird ""name""; drop" (id) ON DELETE CASCADE
);
CREATE INDEX "ix café naïve" ON "café" ("naïve");
CREATE TABLE "select" (
    id INTEGER PRIMARY KEY,
    cafe VARCHAR(10)
);
INSERT INTO "weird ""name""; drop" (id, "first name", "semi;colon") VALUES (1, 'Robert''); DROP TABLE students;--', ';');
INSERT INTO "café" (id, "naïve", weird_id) VALUES (1, 'crème brûlée', 1);

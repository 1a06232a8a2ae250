CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    email VARCHAR(255) NOT NULL
);
CREATE TABLE memberships (
    "userId" INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    "groupId" INTEGER NOT NULL,
    "createdAt" TIMESTAMP NOT NULL,
    PRIMARY KEY ("userId", "groupId")
);
CREATE INDEX "memberships_groupId" ON memberships ("groupId");
INSERT INTO users VALUES (1, 'ada@example.com');
INSERT INTO memberships VALUES (1, 10, '2024-01-01 00:00:00');

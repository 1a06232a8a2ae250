CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    tenant_id INTEGER NOT NULL,
    email VARCHAR(255) NOT NULL,
    username VARCHAR(50) NOT NULL,
    api_key VARCHAR(64) NOT NULL,
    CONSTRAINT uq_accounts_username UNIQUE (username),
    CONSTRAINT accounts_api_key_key UNIQUE (api_key)
);
INSERT INTO accounts VALUES (1, 1, 'ada@example.com', 'ada', 'k-123');

-- The ticketing app's database as it was in production (SQLite).
--
-- Every table and column is lowercase snake_case, exactly as the correct models in models.py
-- create them (Base.metadata.create_all on SQLite gives this DDL). The app's buggy models
-- (models_buggy.py) name payments' columns userId/eventId/purchaseId and point their foreign keys
-- at "Users"/"Events"/"Purchases": a force-sync on restart would have dropped user_id, event_id
-- and purchase_id with their data. `schemaguard check` says so before anything runs.
--
-- Rebuild legacy.db from this file with: python build_legacy_db.py

PRAGMA foreign_keys = ON;

BEGIN;

CREATE TABLE users (
	id INTEGER NOT NULL,
	email VARCHAR(255) NOT NULL,
	username VARCHAR(50) NOT NULL,
	full_name VARCHAR(120),
	wallet_address VARCHAR(42),
	is_active BOOLEAN DEFAULT 1 NOT NULL,
	is_admin BOOLEAN DEFAULT 0 NOT NULL,
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	updated_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	CONSTRAINT pk_users PRIMARY KEY (id),
	CONSTRAINT uq_users_email UNIQUE (email),
	CONSTRAINT uq_users_username UNIQUE (username)
);
CREATE INDEX ix_users_wallet_address ON users (wallet_address);

CREATE TABLE auth (
	id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	provider VARCHAR(32) DEFAULT 'password' NOT NULL,
	password_hash VARCHAR(255),
	refresh_token VARCHAR(255),
	failed_attempts INTEGER DEFAULT 0 NOT NULL,
	last_login_at DATETIME,
	CONSTRAINT pk_auth PRIMARY KEY (id),
	CONSTRAINT uq_auth_user_id_provider UNIQUE (user_id, provider),
	CONSTRAINT fk_auth_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE,
	CONSTRAINT uq_auth_refresh_token UNIQUE (refresh_token)
);

CREATE TABLE user_settings (
	user_id INTEGER NOT NULL,
	language VARCHAR(8) DEFAULT 'en' NOT NULL,
	timezone VARCHAR(64) DEFAULT 'UTC' NOT NULL,
	email_notifications BOOLEAN DEFAULT 1 NOT NULL,
	push_notifications BOOLEAN DEFAULT 0 NOT NULL,
	theme VARCHAR(16) DEFAULT 'system' NOT NULL,
	CONSTRAINT pk_user_settings PRIMARY KEY (user_id),
	CONSTRAINT fk_user_settings_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE CASCADE
);

CREATE TABLE followers (
	follower_id INTEGER NOT NULL,
	followed_id INTEGER NOT NULL,
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	CONSTRAINT pk_followers PRIMARY KEY (follower_id, followed_id),
	CONSTRAINT ck_followers_no_self_follow CHECK (follower_id <> followed_id),
	CONSTRAINT fk_followers_follower_id_users FOREIGN KEY(follower_id) REFERENCES users (id) ON DELETE CASCADE,
	CONSTRAINT fk_followers_followed_id_users FOREIGN KEY(followed_id) REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX ix_followers_followed_id ON followers (followed_id);

CREATE TABLE categories (
	id INTEGER NOT NULL,
	name VARCHAR(80) NOT NULL,
	slug VARCHAR(80) NOT NULL,
	description TEXT,
	CONSTRAINT pk_categories PRIMARY KEY (id),
	CONSTRAINT uq_categories_name UNIQUE (name),
	CONSTRAINT uq_categories_slug UNIQUE (slug)
);

CREATE TABLE events (
	id INTEGER NOT NULL,
	organizer_id INTEGER NOT NULL,
	title VARCHAR(200) NOT NULL,
	description TEXT,
	venue VARCHAR(200) NOT NULL,
	starts_at DATETIME NOT NULL,
	ends_at DATETIME,
	capacity INTEGER NOT NULL,
	base_price NUMERIC(10, 2) NOT NULL,
	is_published BOOLEAN DEFAULT 0 NOT NULL,
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	CONSTRAINT pk_events PRIMARY KEY (id),
	CONSTRAINT fk_events_organizer_id_users FOREIGN KEY(organizer_id) REFERENCES users (id) ON DELETE RESTRICT
);
CREATE INDEX ix_events_organizer_id ON events (organizer_id);
CREATE INDEX ix_events_starts_at ON events (starts_at);

CREATE TABLE event_categories (
	event_id INTEGER NOT NULL,
	category_id INTEGER NOT NULL,
	CONSTRAINT pk_event_categories PRIMARY KEY (event_id, category_id),
	CONSTRAINT fk_event_categories_event_id_events FOREIGN KEY(event_id) REFERENCES events (id) ON DELETE CASCADE,
	CONSTRAINT fk_event_categories_category_id_categories FOREIGN KEY(category_id) REFERENCES categories (id) ON DELETE CASCADE
);
CREATE INDEX ix_event_categories_category_id ON event_categories (category_id);

CREATE TABLE tickets (
	id INTEGER NOT NULL,
	event_id INTEGER NOT NULL,
	owner_id INTEGER,
	seat VARCHAR(16),
	tier VARCHAR(32) DEFAULT 'general' NOT NULL,
	price NUMERIC(10, 2) NOT NULL,
	status VARCHAR(9) DEFAULT 'available' NOT NULL,
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	CONSTRAINT pk_tickets PRIMARY KEY (id),
	CONSTRAINT uq_tickets_event_id_seat UNIQUE (event_id, seat),
	CONSTRAINT fk_tickets_event_id_events FOREIGN KEY(event_id) REFERENCES events (id) ON DELETE CASCADE,
	CONSTRAINT fk_tickets_owner_id_users FOREIGN KEY(owner_id) REFERENCES users (id) ON DELETE SET NULL
);
CREATE INDEX ix_tickets_event_id ON tickets (event_id);
CREATE INDEX ix_tickets_owner_id ON tickets (owner_id);

CREATE TABLE purchases (
	id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	ticket_id INTEGER NOT NULL,
	quantity INTEGER DEFAULT 1 NOT NULL,
	total_amount NUMERIC(10, 2) NOT NULL,
	currency VARCHAR(3) DEFAULT 'USD' NOT NULL,
	status VARCHAR(20) DEFAULT 'pending' NOT NULL,
	purchased_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	CONSTRAINT pk_purchases PRIMARY KEY (id),
	CONSTRAINT ck_purchases_quantity_positive CHECK (quantity > 0),
	CONSTRAINT fk_purchases_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE RESTRICT,
	CONSTRAINT fk_purchases_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id) ON DELETE RESTRICT
);
CREATE INDEX ix_purchases_ticket_id ON purchases (ticket_id);
CREATE INDEX ix_purchases_user_id ON purchases (user_id);

CREATE TABLE payments (
	id INTEGER NOT NULL,
	user_id INTEGER NOT NULL,
	event_id INTEGER NOT NULL,
	purchase_id INTEGER NOT NULL,
	amount NUMERIC(10, 2) NOT NULL,
	currency VARCHAR(3) DEFAULT 'USD' NOT NULL,
	provider VARCHAR(32) NOT NULL,
	provider_ref VARCHAR(128),
	status VARCHAR(20) DEFAULT 'pending' NOT NULL,
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	CONSTRAINT pk_payments PRIMARY KEY (id),
	CONSTRAINT fk_payments_user_id_users FOREIGN KEY(user_id) REFERENCES users (id) ON DELETE RESTRICT,
	CONSTRAINT fk_payments_event_id_events FOREIGN KEY(event_id) REFERENCES events (id) ON DELETE RESTRICT,
	CONSTRAINT fk_payments_purchase_id_purchases FOREIGN KEY(purchase_id) REFERENCES purchases (id) ON DELETE CASCADE,
	CONSTRAINT uq_payments_provider_ref UNIQUE (provider_ref)
);
CREATE INDEX ix_payments_event_id ON payments (event_id);
CREATE INDEX ix_payments_purchase_id ON payments (purchase_id);
CREATE INDEX ix_payments_user_id ON payments (user_id);

CREATE TABLE blockchain_transactions (
	id INTEGER NOT NULL,
	tx_hash VARCHAR(66) NOT NULL,
	chain VARCHAR(32) DEFAULT 'ethereum' NOT NULL,
	from_address VARCHAR(42) NOT NULL,
	to_address VARCHAR(42) NOT NULL,
	block_number BIGINT,
	status VARCHAR(20) DEFAULT 'pending' NOT NULL,
	created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	CONSTRAINT pk_blockchain_transactions PRIMARY KEY (id),
	CONSTRAINT uq_blockchain_transactions_tx_hash UNIQUE (tx_hash)
);

CREATE TABLE nft_tickets (
	id INTEGER NOT NULL,
	ticket_id INTEGER NOT NULL,
	token_id VARCHAR(78) NOT NULL,
	contract_address VARCHAR(42) NOT NULL,
	owner_wallet VARCHAR(42) NOT NULL,
	mint_transaction_id INTEGER,
	minted_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
	CONSTRAINT pk_nft_tickets PRIMARY KEY (id),
	CONSTRAINT uq_nft_tickets_ticket_id UNIQUE (ticket_id),
	CONSTRAINT fk_nft_tickets_ticket_id_tickets FOREIGN KEY(ticket_id) REFERENCES tickets (id) ON DELETE CASCADE,
	CONSTRAINT fk_nft_tickets_mint_transaction_id_blockchain_transactions FOREIGN KEY(mint_transaction_id) REFERENCES blockchain_transactions (id) ON DELETE SET NULL
);
CREATE UNIQUE INDEX ix_nft_tickets_contract_token ON nft_tickets (contract_address, token_id);
CREATE INDEX ix_nft_tickets_owner_wallet ON nft_tickets (owner_wallet);

-- data: the rows below are plain INSERTs that PostgreSQL accepts too.

INSERT INTO users (id, email, username, full_name, wallet_address, is_active, is_admin, created_at, updated_at) VALUES
	(1, 'ada@example.com', 'ada', 'Ada Lovelace', '0x8ba1f109551bD432803012645Ac136ddd64DBA72', TRUE, TRUE, '2023-11-02 09:14:00', '2024-01-15 18:02:11'),
	(2, 'grace@example.com', 'grace', 'Grace Hopper', NULL, TRUE, FALSE, '2023-11-05 12:40:31', '2023-11-05 12:40:31'),
	(3, 'linus@example.com', 'linus', 'Linus Torvalds', '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', TRUE, FALSE, '2023-12-01 08:00:00', '2024-02-20 21:45:09'),
	(4, 'margaret@example.com', 'mhamilton', 'Margaret Hamilton', NULL, TRUE, FALSE, '2024-01-09 16:22:47', '2024-01-09 16:22:47'),
	(5, 'old.account@example.com', 'dormant', NULL, NULL, FALSE, FALSE, '2022-06-30 10:00:00', '2023-06-30 10:00:00');

INSERT INTO auth (id, user_id, provider, password_hash, refresh_token, failed_attempts, last_login_at) VALUES
	(1, 1, 'password', '$argon2id$v=19$m=65536,t=3,p=4$c29tZXNhbHQ$RdescudvJCsgt3ub+b+dWRWJTmaaJObG', 'rt_6f1c2a9e', 0, '2024-03-01 08:12:00'),
	(2, 2, 'password', '$argon2id$v=19$m=65536,t=3,p=4$b3RoZXJzYWx0$dGhpcyBpcyBub3QgYSByZWFsIGhhc2g', NULL, 2, '2024-02-27 19:30:00'),
	(3, 3, 'google', NULL, 'rt_93b07d11', 0, '2024-03-02 07:55:41'),
	(4, 4, 'password', '$argon2id$v=19$m=65536,t=3,p=4$eWV0YW5vdGhlcg$YW5vdGhlciBmYWtlIGhhc2ggdmFsdWU', NULL, 0, NULL),
	(5, 1, 'google', NULL, 'rt_0c4e8f72', 0, '2024-02-11 22:03:10');

INSERT INTO user_settings (user_id, language, timezone, email_notifications, push_notifications, theme) VALUES
	(1, 'en', 'Europe/London', TRUE, TRUE, 'dark'),
	(2, 'en', 'America/New_York', TRUE, FALSE, 'system'),
	(3, 'fi', 'Europe/Helsinki', FALSE, FALSE, 'light'),
	(4, 'en', 'America/Chicago', TRUE, FALSE, 'system');

INSERT INTO followers (follower_id, followed_id, created_at) VALUES
	(2, 1, '2023-11-06 10:00:00'),
	(3, 1, '2023-12-02 11:30:00'),
	(4, 1, '2024-01-10 09:15:00'),
	(1, 2, '2023-11-07 14:20:00'),
	(4, 3, '2024-01-11 17:45:00');

INSERT INTO categories (id, name, slug, description) VALUES
	(1, 'Concerts', 'concerts', 'Live music, from club gigs to stadium tours.'),
	(2, 'Conferences', 'conferences', 'Talks and workshops.'),
	(3, 'Theatre', 'theatre', NULL),
	(4, 'Sports', 'sports', 'Matches, races and tournaments.'),
	(5, 'Web3', 'web3', 'Events with NFT tickets.');

INSERT INTO events (id, organizer_id, title, description, venue, starts_at, ends_at, capacity, base_price, is_published, created_at) VALUES
	(1, 1, 'Analytical Engines Live', 'An evening of computing history set to music.', 'Royal Albert Hall, London', '2024-05-18 19:30:00', '2024-05-18 23:00:00', 500, 45.00, TRUE, '2024-01-20 10:00:00'),
	(2, 1, 'COBOL Conf 2024', 'Two days of talks on software that still runs the world.', 'Javits Center, New York', '2024-06-03 09:00:00', '2024-06-04 18:00:00', 1200, 299.00, TRUE, '2024-01-25 15:30:00'),
	(3, 4, 'Apollo Guidance: The Play', NULL, 'Steppenwolf Theatre, Chicago', '2024-07-12 20:00:00', NULL, 250, 60.50, TRUE, '2024-02-02 09:45:00'),
	(4, 3, 'Kernel Hackers Cup', 'Finals of the open-source five-a-side league.', 'Olympiastadion, Helsinki', '2024-08-24 14:00:00', '2024-08-24 17:00:00', 3000, 15.00, FALSE, '2024-02-18 12:00:00');

INSERT INTO event_categories (event_id, category_id) VALUES
	(1, 1),
	(1, 5),
	(2, 2),
	(3, 3),
	(4, 4),
	(4, 5);

INSERT INTO tickets (id, event_id, owner_id, seat, tier, price, status, created_at) VALUES
	(1, 1, 2, 'A12', 'vip', 120.00, 'sold', '2024-02-01 10:00:00'),
	(2, 1, 3, 'A13', 'vip', 120.00, 'sold', '2024-02-01 10:00:00'),
	(3, 1, NULL, 'F01', 'general', 45.00, 'available', '2024-02-01 10:00:00'),
	(4, 2, 4, NULL, 'general', 299.00, 'sold', '2024-02-03 09:00:00'),
	(5, 3, 2, 'B07', 'general', 60.50, 'reserved', '2024-02-05 14:10:00'),
	(6, 4, 3, NULL, 'general', 15.00, 'used', '2024-02-19 08:00:00');

INSERT INTO purchases (id, user_id, ticket_id, quantity, total_amount, currency, status, purchased_at) VALUES
	(1, 2, 1, 1, 120.00, 'USD', 'completed', '2024-02-10 18:21:04'),
	(2, 3, 2, 1, 120.00, 'EUR', 'completed', '2024-02-11 09:02:55'),
	(3, 4, 4, 1, 299.00, 'USD', 'completed', '2024-02-14 13:47:20'),
	(4, 2, 5, 1, 60.50, 'USD', 'pending', '2024-02-28 20:15:00'),
	(5, 3, 6, 1, 15.00, 'EUR', 'refunded', '2024-02-20 07:30:12');

INSERT INTO payments (id, user_id, event_id, purchase_id, amount, currency, provider, provider_ref, status, created_at) VALUES
	(1, 2, 1, 1, 120.00, 'USD', 'stripe', 'pi_3OkX2aLkdIwHu7ix0', 'succeeded', '2024-02-10 18:21:09'),
	(2, 3, 1, 2, 120.00, 'EUR', 'crypto', '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060', 'succeeded', '2024-02-11 09:03:40'),
	(3, 4, 2, 3, 299.00, 'USD', 'stripe', 'pi_3OkX9bLkdIwHu7ix1', 'succeeded', '2024-02-14 13:47:31'),
	(4, 2, 3, 4, 60.50, 'USD', 'stripe', NULL, 'pending', '2024-02-28 20:15:02'),
	(5, 3, 4, 5, 15.00, 'EUR', 'stripe', 'pi_3OmA1cLkdIwHu7ix2', 'refunded', '2024-02-20 07:30:20');

INSERT INTO blockchain_transactions (id, tx_hash, chain, from_address, to_address, block_number, status, created_at) VALUES
	(1, '0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060', 'ethereum', '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', '0x8ba1f109551bD432803012645Ac136ddd64DBA72', 19214376, 'confirmed', '2024-02-11 09:03:40'),
	(2, '0xa1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90', 'polygon', '0x8ba1f109551bD432803012645Ac136ddd64DBA72', '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', 53912044, 'confirmed', '2024-02-11 09:05:02'),
	(3, '0x0f0e0d0c0b0a09080706050403020100ffeeddccbbaa99887766554433221100', 'polygon', '0x8ba1f109551bD432803012645Ac136ddd64DBA72', '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', NULL, 'pending', '2024-02-19 08:01:00');

INSERT INTO nft_tickets (id, ticket_id, token_id, contract_address, owner_wallet, mint_transaction_id, minted_at) VALUES
	(1, 2, '1001', '0x8ba1f109551bD432803012645Ac136ddd64DBA72', '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', 2, '2024-02-11 09:05:02'),
	(2, 6, '1002', '0x8ba1f109551bD432803012645Ac136ddd64DBA72', '0x71C7656EC7ab88b098defB751B7401B5f6d8976F', 3, '2024-02-19 08:01:00');

COMMIT;

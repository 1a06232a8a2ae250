-- schemaguard plan --mode alter (sqlite)
-- database: sqlite:///shop.db

-- step 1: create_table refunds
CREATE TABLE refunds (
    id INTEGER NOT NULL,
    payment_id INTEGER NOT NULL,
    amount NUMERIC(10, 2) NOT NULL,
    reason TEXT,
    status VARCHAR(20) DEFAULT 'requested' NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT pk_refunds PRIMARY KEY (id),
    CONSTRAINT fk_refunds_payment_id_payments FOREIGN KEY(payment_id) REFERENCES payments (id) ON DELETE CASCADE
);

-- step 2: add_column payments.refunded_amount
ALTER TABLE payments ADD COLUMN refunded_amount NUMERIC(10, 2) DEFAULT 0 NOT NULL;

-- step 3: alter_column events.venue [column_type_change]
--   column_type_change: SQLite rebuilds the table: every row is copied while the database is locked for writes; values that do not convert make it fail
PRAGMA legacy_alter_table = ON;
CREATE TABLE _alembic_tmp_events (
    id INTEGER NOT NULL,
    organizer_id INTEGER NOT NULL,
    title VARCHAR(200) NOT NULL,
    description TEXT,
    venue VARCHAR(300) NOT NULL,
    starts_at DATETIME NOT NULL,
    ends_at DATETIME,
    capacity INTEGER NOT NULL,
    base_price NUMERIC(10, 2) NOT NULL,
    is_published BOOLEAN DEFAULT 0 NOT NULL,
    created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
    CONSTRAINT pk_events PRIMARY KEY (id),
    CONSTRAINT fk_events_organizer_id_users FOREIGN KEY(organizer_id) REFERENCES users (id) ON DELETE RESTRICT
);
INSERT INTO _alembic_tmp_events (id, organizer_id, title, description, venue, starts_at, ends_at, capacity, base_price, is_published, created_at) SELECT events.id, events.organizer_id, events.title, events.description, events.venue, events.starts_at, events.ends_at, events.capacity, events.base_price, events.is_published, events.created_at
FROM events;
DROP TABLE events;
ALTER TABLE _alembic_tmp_events RENAME TO events;
PRAGMA legacy_alter_table = OFF;
CREATE INDEX ix_events_organizer_id ON events (organizer_id);
CREATE INDEX ix_events_starts_at ON events (starts_at);

-- step 4: create_index tickets.status
CREATE INDEX ix_tickets_status ON tickets (status);

-- step 5: create_index refunds.payment_id
CREATE INDEX ix_refunds_payment_id ON refunds (payment_id);

-- skipped by --mode alter:
--   drop_column users.is_admin: destructive: alter mode never runs destructive steps

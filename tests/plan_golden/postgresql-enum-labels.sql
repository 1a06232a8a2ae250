-- schemaguard plan --mode safe (postgresql)

-- step 1: add_enum_label orders.state
ALTER TYPE order_state ADD VALUE IF NOT EXISTS 'new' BEFORE 'open';

-- step 2: add_enum_label orders.state
ALTER TYPE order_state ADD VALUE IF NOT EXISTS 'refunded' AFTER 'paid';

-- skipped by --mode safe:
--   alter_column orders.state: removing 'void' from the enum type needs a new type: CREATE TYPE order_state_new AS ENUM (...the model's labels...); UPDATE the rows that hold a label the model lacks; ALTER TABLE ... ALTER COLUMN ... TYPE order_state_new USING col::text::order_state_new for every column of the type; DROP TYPE order_state; ALTER TYPE order_state_new RENAME TO order_state. sync never does it
--   alter_column orders.state: safe mode never alters an existing column (default None -> 'refunded')
--   add_check orders: it uses the enum label 'refunded' that this plan adds, and PostgreSQL cannot use a new label in the transaction that added it: sync again once this sync committed

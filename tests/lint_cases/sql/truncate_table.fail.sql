TRUNCATE sessions;  -- expect: truncate_table
TRUNCATE TABLE ONLY carts, cart_items RESTART IDENTITY CASCADE;  -- expect: truncate_table, truncate_table
-- CASCADE reaches every table with a foreign key to it: reported even for a table created here.
CREATE TABLE batches (id bigint PRIMARY KEY);
TRUNCATE batches CASCADE;  -- expect: truncate_table

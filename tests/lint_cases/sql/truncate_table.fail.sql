TRUNCATE sessions;  -- expect: truncate_table
TRUNCATE TABLE ONLY carts, cart_items RESTART IDENTITY CASCADE;  -- expect: truncate_table, truncate_table

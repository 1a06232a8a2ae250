CREATE TABLE ok_before (id bigint);
SELEC id FROM users;  -- expect: unparseable_sql
DROP TABLE orders  -- expect: drop_table
    ;
ALTER TABLE users ADD COLUMN;  -- expect: unparseable_sql

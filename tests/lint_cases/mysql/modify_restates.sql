-- MODIFY/CHANGE restate the whole column: what they leave out of the known definition is dropped.
CREATE TABLE accounts (
    id INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    email VARCHAR(200) NOT NULL DEFAULT '',
    plan VARCHAR(20) NOT NULL DEFAULT 'free',
    nick VARCHAR(40)
);
ALTER TABLE accounts MODIFY email VARCHAR(200);  -- expect: column_type_change
ALTER TABLE accounts MODIFY plan VARCHAR(20) NOT NULL DEFAULT 'free' COMMENT 'billing plan';
ALTER TABLE accounts CHANGE nick nickname VARCHAR(40);
ALTER TABLE accounts MODIFY id INT NOT NULL;  -- expect: column_type_change
ALTER TABLE members ADD COLUMN status VARCHAR(10) NOT NULL DEFAULT 'new';
ALTER TABLE members MODIFY status VARCHAR(10) NOT NULL;  -- expect: column_type_change
ALTER TABLE members ALTER COLUMN status SET DEFAULT 'active';
ALTER TABLE members MODIFY status VARCHAR(10) NOT NULL DEFAULT 'active';
ALTER TABLE members MODIFY joined DATETIME NOT NULL;  -- expect: column_type_change

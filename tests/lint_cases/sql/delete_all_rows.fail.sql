DELETE FROM sessions;  -- expect: delete_all_rows
DELETE FROM ONLY audit.events AS e USING users u;  -- expect: delete_all_rows

-- 0042: retire the old audit tables
BEGIN;
DROP TABLE audit_log;  -- expect: drop_table
DROP TABLE IF EXISTS legacy_events, legacy_sessions CASCADE;  -- expect: drop_table, drop_table
DROP TABLE  -- expect: drop_table
    reporting.daily_totals;
COMMIT;

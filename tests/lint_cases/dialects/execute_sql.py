"""op.execute() SQL read with the parser of its branch: module constants for each database (a
SQLite trigger, a MySQL trigger with a compound body, a PostgreSQL function, T-SQL), a helper
returning a constant string, and SQL that only one database accepts."""

from alembic import op

revision = "d7"
down_revision = None

SQLITE_TRIGGER = """
CREATE TRIGGER keep_name
BEFORE UPDATE ON secrets
FOR EACH ROW
WHEN OLD.name != NEW.name
BEGIN
    SELECT RAISE(ABORT, 'name is immutable');
END;
"""

MYSQL_TRIGGER = """
CREATE TRIGGER keep_name
BEFORE UPDATE ON secrets
FOR EACH ROW
BEGIN
    IF OLD.name != NEW.name THEN
        SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'name is immutable';
    END IF;
END;
"""

POSTGRESQL_FUNCTION = """
CREATE OR REPLACE FUNCTION keep_name() RETURNS TRIGGER AS $$
BEGIN
    IF OLD.name != NEW.name THEN
        RAISE EXCEPTION 'name is immutable';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
"""

MSSQL_TRIGGER = """
CREATE TRIGGER keep_name ON secrets AFTER UPDATE AS
BEGIN
    SET NOCOUNT ON;
    IF EXISTS (SELECT 1 FROM inserted i JOIN deleted d ON i.id = d.id WHERE i.name != d.name)
    BEGIN
        RAISERROR('name is immutable', 16, 1);
        ROLLBACK TRANSACTION;
    END
END;
"""


def _widen_sql() -> str:
    if op.get_bind().dialect.name == "mysql":
        return "ALTER TABLE `secrets` MODIFY `name` VARCHAR(10) NOT NULL"  # expect[mysql]: column_type_change
    return "ALTER TABLE secrets ALTER COLUMN name SET NOT NULL"  # expect[postgresql,sqlite,mssql]: set_not_null


def upgrade():
    dialect = op.get_bind().engine.dialect.name
    if dialect == "sqlite":
        op.execute(SQLITE_TRIGGER)
        op.execute("DROP TRIGGER IF EXISTS old_trigger;")
    elif dialect == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        op.execute("DROP TRIGGER IF EXISTS old_trigger ON secrets;")
    elif dialect == "mysql":
        op.execute(MYSQL_TRIGGER)
        op.execute("DROP TABLE `secrets_old`")  # expect[mysql]: drop_table
    elif dialect == "mssql":
        op.execute(MSSQL_TRIGGER)
        op.execute("IF EXISTS (SELECT * FROM sys.triggers WHERE name = 'old_trigger') DROP TRIGGER old_trigger;")
    op.execute(_widen_sql())


def downgrade():
    pass

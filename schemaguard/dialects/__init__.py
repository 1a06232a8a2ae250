"""One module per database: everything PostgreSQL, SQLite (and later MySQL) do differently."""

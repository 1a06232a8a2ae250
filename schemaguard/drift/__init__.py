"""The diff: two Schemas in, typed changes out (pure functions; no database, no models)."""

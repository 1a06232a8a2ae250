"""The live database: its URL, the one handle a command holds on it, and reflection into a Schema."""

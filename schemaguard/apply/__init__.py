"""Applying a plan: the environment guard, the database's recorded environment, and sync."""

"""The schema layer: one normalized, frozen picture of a schema (tables, columns, keys, indexes),
with what its types, defaults and names mean. Both the declared and the live side meet here."""

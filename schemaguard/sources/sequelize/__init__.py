"""Sequelize (Node.js) models as a declared source: `--models sequelize:path/to/models/index.js`."""

from __future__ import annotations

from .loader import PREFIX, export_models, exporter_path, load_sequelize, schema_from_export

__all__ = ["PREFIX", "export_models", "exporter_path", "load_sequelize", "schema_from_export"]

"""The declared side: SQLAlchemy models, Sequelize models and snapshot files turned into a Schema,
with the source line of each table and column."""

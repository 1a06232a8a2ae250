'use strict';
const { Model, literal } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
  class Event extends Model {}
  Event.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      organizer_id: {
        type: DataTypes.INTEGER,
        allowNull: false,
        references: { model: 'users', key: 'id' },
        onDelete: 'RESTRICT',
      },
      title: { type: DataTypes.STRING(200), allowNull: false },
      description: { type: DataTypes.TEXT },
      venue: { type: DataTypes.STRING(200), allowNull: false },
      starts_at: { type: DataTypes.DATE, allowNull: false },
      ends_at: { type: DataTypes.DATE },
      capacity: { type: DataTypes.INTEGER, allowNull: false },
      base_price: { type: DataTypes.DECIMAL(10, 2), allowNull: false },
      is_published: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('CURRENT_TIMESTAMP') },
    },
    {
      sequelize,
      modelName: 'Event',
      tableName: 'events',
      timestamps: false,
      indexes: [
        { name: 'ix_events_organizer_id', fields: ['organizer_id'] },
        { name: 'ix_events_starts_at', fields: ['starts_at'] },
      ],
    },
  );
  return Event;
};

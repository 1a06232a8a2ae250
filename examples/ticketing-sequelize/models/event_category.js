'use strict';
const { Model } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
  class EventCategory extends Model {}
  EventCategory.init(
    {
      event_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'events', key: 'id' }, onDelete: 'CASCADE' },
      category_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'categories', key: 'id' }, onDelete: 'CASCADE' },
    },
    {
      sequelize,
      modelName: 'EventCategory',
      tableName: 'event_categories',
      timestamps: false,
      indexes: [{ name: 'ix_event_categories_category_id', fields: ['category_id'] }],
    },
  );
  return EventCategory;
};

'use strict';
const { Model } = require('sequelize');

// One row per user; the user's id is the key.
module.exports = (sequelize, DataTypes) => {
  class UserSettings extends Model {}
  UserSettings.init(
    {
      user_id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: false, references: { model: 'users', key: 'id' }, onDelete: 'CASCADE' },
      language: { type: DataTypes.STRING(8), allowNull: false, defaultValue: 'en' },
      timezone: { type: DataTypes.STRING(64), allowNull: false, defaultValue: 'UTC' },
      email_notifications: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      push_notifications: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      theme: { type: DataTypes.STRING(16), allowNull: false, defaultValue: 'system' },
    },
    { sequelize, modelName: 'UserSettings', tableName: 'user_settings', timestamps: false },
  );
  return UserSettings;
};

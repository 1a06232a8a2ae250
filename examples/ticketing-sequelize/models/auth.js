'use strict';
const { Model } = require('sequelize');

// Login credentials, one row per user and provider.
module.exports = (sequelize, DataTypes) => {
  class Auth extends Model {}
  Auth.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      user_id: {
        type: DataTypes.INTEGER,
        allowNull: false,
        unique: 'uq_auth_user_id_provider',
        references: { model: 'users', key: 'id' },
        onDelete: 'CASCADE',
      },
      provider: { type: DataTypes.STRING(32), allowNull: false, defaultValue: 'password', unique: 'uq_auth_user_id_provider' },
      password_hash: { type: DataTypes.STRING(255) },
      refresh_token: { type: DataTypes.STRING(255), unique: true },
      failed_attempts: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 0 },
      last_login_at: { type: DataTypes.DATE },
    },
    { sequelize, modelName: 'Auth', tableName: 'auth', timestamps: false },
  );
  return Auth;
};

'use strict';
const { Model, literal } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
  class User extends Model {}
  User.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      email: { type: DataTypes.STRING(255), allowNull: false, unique: true },
      username: { type: DataTypes.STRING(50), allowNull: false, unique: true },
      full_name: { type: DataTypes.STRING(120) },
      wallet_address: { type: DataTypes.STRING(42) },
      is_active: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
      is_admin: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
      created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('CURRENT_TIMESTAMP') },
      updated_at: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('CURRENT_TIMESTAMP') },
    },
    {
      sequelize,
      modelName: 'User',
      tableName: 'users',
      timestamps: false,
      indexes: [{ name: 'ix_users_wallet_address', fields: ['wallet_address'] }],
    },
  );
  return User;
};

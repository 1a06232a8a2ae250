'use strict';
const { Model, literal } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
  class Purchase extends Model {}
  Purchase.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      user_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'users', key: 'id' }, onDelete: 'RESTRICT' },
      ticket_id: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'tickets', key: 'id' }, onDelete: 'RESTRICT' },
      quantity: { type: DataTypes.INTEGER, allowNull: false, defaultValue: 1, validate: { min: 1 } },
      total_amount: { type: DataTypes.DECIMAL(10, 2), allowNull: false },
      currency: { type: DataTypes.STRING(3), allowNull: false, defaultValue: 'USD' },
      status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'pending' },
      purchased_at: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('CURRENT_TIMESTAMP') },
    },
    {
      sequelize,
      modelName: 'Purchase',
      tableName: 'purchases',
      timestamps: false,
      indexes: [
        { name: 'ix_purchases_ticket_id', fields: ['ticket_id'] },
        { name: 'ix_purchases_user_id', fields: ['user_id'] },
      ],
    },
  );
  return Purchase;
};

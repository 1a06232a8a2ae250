'use strict';
const { Model, literal } = require('sequelize');

// The model as the app shipped it, with the two bugs of the origin story:
// 1. userId, eventId and purchaseId have no `field: 'user_id'` (and the model no
//    `underscored: true`), so Sequelize names the columns userId, eventId and purchaseId while the
//    table has user_id, event_id and purchase_id. sync({ alter: true }) would drop the real columns.
// 2. references name the tables 'Users', 'Events' and 'Purchases'; the tables are users, events and
//    purchases (PostgreSQL names are case-sensitive once quoted, and Sequelize quotes them).
module.exports = (sequelize, DataTypes) => {
  class Payment extends Model {}
  Payment.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      userId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'Users', key: 'id' }, onDelete: 'RESTRICT' },
      eventId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'Events', key: 'id' }, onDelete: 'RESTRICT' },
      purchaseId: { type: DataTypes.INTEGER, allowNull: false, references: { model: 'Purchases', key: 'id' }, onDelete: 'CASCADE' },
      amount: { type: DataTypes.DECIMAL(10, 2), allowNull: false },
      currency: { type: DataTypes.STRING(3), allowNull: false, defaultValue: 'USD' },
      provider: { type: DataTypes.STRING(32), allowNull: false },
      provider_ref: { type: DataTypes.STRING(128), unique: true },
      status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'pending' },
      created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('CURRENT_TIMESTAMP') },
    },
    {
      sequelize,
      modelName: 'Payment',
      tableName: 'payments',
      timestamps: false,
      indexes: [{ fields: ['eventId'] }, { fields: ['purchaseId'] }, { fields: ['userId'] }],
    },
  );
  return Payment;
};

'use strict';
const { Model, literal } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
  class Ticket extends Model {}
  Ticket.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      event_id: {
        type: DataTypes.INTEGER,
        allowNull: false,
        unique: 'uq_tickets_event_id_seat',
        references: { model: 'events', key: 'id' },
        onDelete: 'CASCADE',
      },
      owner_id: { type: DataTypes.INTEGER, references: { model: 'users', key: 'id' }, onDelete: 'SET NULL' },
      seat: { type: DataTypes.STRING(16), unique: 'uq_tickets_event_id_seat' },
      tier: { type: DataTypes.STRING(32), allowNull: false, defaultValue: 'general' },
      price: { type: DataTypes.DECIMAL(10, 2), allowNull: false },
      status: {
        type: DataTypes.ENUM('available', 'reserved', 'sold', 'used', 'cancelled'),
        allowNull: false,
        defaultValue: 'available',
      },
      created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('CURRENT_TIMESTAMP') },
    },
    {
      sequelize,
      modelName: 'Ticket',
      tableName: 'tickets',
      timestamps: false,
      indexes: [
        { name: 'ix_tickets_event_id', fields: ['event_id'] },
        { name: 'ix_tickets_owner_id', fields: ['owner_id'] },
      ],
    },
  );
  return Ticket;
};

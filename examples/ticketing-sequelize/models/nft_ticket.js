'use strict';
const { Model, literal } = require('sequelize');

// A ticket minted as a token on a blockchain.
module.exports = (sequelize, DataTypes) => {
  class NftTicket extends Model {}
  NftTicket.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      ticket_id: { type: DataTypes.INTEGER, allowNull: false, unique: true, references: { model: 'tickets', key: 'id' }, onDelete: 'CASCADE' },
      token_id: { type: DataTypes.STRING(78), allowNull: false },
      contract_address: { type: DataTypes.STRING(42), allowNull: false },
      owner_wallet: { type: DataTypes.STRING(42), allowNull: false },
      mint_transaction_id: { type: DataTypes.INTEGER, references: { model: 'blockchain_transactions', key: 'id' }, onDelete: 'SET NULL' },
      minted_at: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('CURRENT_TIMESTAMP') },
    },
    {
      sequelize,
      modelName: 'NftTicket',
      tableName: 'nft_tickets',
      timestamps: false,
      indexes: [
        { name: 'ix_nft_tickets_contract_token', unique: true, fields: ['contract_address', 'token_id'] },
        { name: 'ix_nft_tickets_owner_wallet', fields: ['owner_wallet'] },
      ],
    },
  );
  return NftTicket;
};

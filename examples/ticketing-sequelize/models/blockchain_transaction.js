'use strict';
const { Model, literal } = require('sequelize');

module.exports = (sequelize, DataTypes) => {
  class BlockchainTransaction extends Model {}
  BlockchainTransaction.init(
    {
      id: { type: DataTypes.INTEGER, primaryKey: true, autoIncrement: true },
      tx_hash: { type: DataTypes.STRING(66), allowNull: false, unique: true },
      chain: { type: DataTypes.STRING(32), allowNull: false, defaultValue: 'ethereum' },
      from_address: { type: DataTypes.STRING(42), allowNull: false },
      to_address: { type: DataTypes.STRING(42), allowNull: false },
      block_number: { type: DataTypes.BIGINT },
      status: { type: DataTypes.STRING(20), allowNull: false, defaultValue: 'pending' },
      created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('CURRENT_TIMESTAMP') },
    },
    { sequelize, modelName: 'BlockchainTransaction', tableName: 'blockchain_transactions', timestamps: false },
  );
  return BlockchainTransaction;
};

'use strict';
const { Model, literal } = require('sequelize');

// Who follows whom: both sides are users.
module.exports = (sequelize, DataTypes) => {
  class Follower extends Model {}
  Follower.init(
    {
      follower_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'users', key: 'id' }, onDelete: 'CASCADE' },
      followed_id: { type: DataTypes.INTEGER, primaryKey: true, references: { model: 'users', key: 'id' }, onDelete: 'CASCADE' },
      created_at: { type: DataTypes.DATE, allowNull: false, defaultValue: literal('CURRENT_TIMESTAMP') },
    },
    {
      sequelize,
      modelName: 'Follower',
      tableName: 'followers',
      timestamps: false,
      indexes: [{ name: 'ix_followers_followed_id', fields: ['followed_id'] }],
    },
  );
  return Follower;
};

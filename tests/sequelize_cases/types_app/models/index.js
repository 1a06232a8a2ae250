// Sequelize's DataTypes, one column each, plus the options that change the DDL sync writes:
// unique (column and composite), indexes, references with actions, underscored, timestamps,
// paranoid, literal and client-side defaults. The test syncs it with the real driver, then checks.
'use strict';
const { Sequelize, DataTypes, Model } = require('sequelize');

const url = process.env.DATABASE_URL || 'sqlite::memory:';
const sequelize = new Sequelize(url, { logging: false });
const pg = sequelize.getDialect() === 'postgres';

class Account extends Model {}
Account.init(
  {
    id: { type: DataTypes.BIGINT, primaryKey: true, autoIncrement: true },
    email: { type: DataTypes.STRING(120), allowNull: false, unique: true },
    displayName: { type: DataTypes.STRING, allowNull: true },
    bio: DataTypes.TEXT,
    age: { type: DataTypes.INTEGER, defaultValue: 18 },
    balance: { type: DataTypes.DECIMAL(12, 4), allowNull: false, defaultValue: 0 },
    ratio: DataTypes.FLOAT,
    score: DataTypes.DOUBLE,
    isActive: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: true },
    bornOn: DataTypes.DATEONLY,
    lastSeen: { type: DataTypes.DATE, defaultValue: DataTypes.NOW },
    token: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4, allowNull: false },
    settings: DataTypes.JSON,
    mood: { type: DataTypes.ENUM('happy', 'sad', 'neutral'), allowNull: false, defaultValue: 'neutral' },
    nickname: { type: DataTypes.STRING(40), defaultValue: 'anon' },
    ...(pg ? { profile: DataTypes.JSONB, tags: DataTypes.ARRAY(DataTypes.STRING(20)) } : {}),
  },
  { sequelize, tableName: 'accounts', underscored: true, paranoid: true },
);

class Project extends Model {}
Project.init(
  {
    name: { type: DataTypes.STRING(80), allowNull: false, unique: 'owner_name' },
    ownerId: {
      type: DataTypes.BIGINT,
      allowNull: false,
      unique: 'owner_name',
      references: { model: 'accounts', key: 'id' },
      onDelete: 'CASCADE',
      onUpdate: 'CASCADE',
    },
    startsAt: { type: DataTypes.DATE, defaultValue: Sequelize.literal('CURRENT_TIMESTAMP') },
  },
  {
    sequelize,
    tableName: 'projects',
    underscored: true,
    indexes: [{ fields: ['starts_at'] }, { name: 'projects_recent', fields: [{ name: 'starts_at', order: 'DESC' }] }, { name: 'projects_name_lookup', fields: ['name', 'starts_at'], unique: true }],
  },
);

const Task = sequelize.define(
  'Task',
  {
    title: { type: DataTypes.STRING, allowNull: false },
    done: { type: DataTypes.BOOLEAN, defaultValue: false },
  },
  { tableName: 'tasks', timestamps: true },
);
Task.belongsTo(Project, { foreignKey: { name: 'projectId', allowNull: false }, onDelete: 'CASCADE' });
Project.hasMany(Task, { foreignKey: 'projectId' });
Task.belongsTo(Account, { as: 'assignee' });

module.exports = sequelize;

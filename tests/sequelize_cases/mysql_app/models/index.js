// What Sequelize writes only on MySQL and MariaDB, one column each: display widths, UNSIGNED and
// ZEROFILL, the TEXT and BLOB sizes, fractional-second DATETIMEs, BINARY strings, inline ENUMs,
// JSON (LONGTEXT on MariaDB), CURRENT_TIMESTAMP defaults with ON UPDATE, and the index options
// MySQL takes. The test syncs it with mysql2 against MariaDB, then checks.
'use strict';
const { Sequelize, DataTypes, Model } = require('sequelize');

const sequelize = new Sequelize(process.env.DATABASE_URL || 'sqlite::memory:', { logging: false });

class Widget extends Model {}
Widget.init(
  {
    id: { type: DataTypes.INTEGER.UNSIGNED, primaryKey: true, autoIncrement: true },
    tiny: DataTypes.TINYINT,
    small: { type: DataTypes.SMALLINT.UNSIGNED, allowNull: false, defaultValue: 7 },
    medium: DataTypes.MEDIUMINT,
    sized: DataTypes.INTEGER(11),
    big: DataTypes.BIGINT(20).UNSIGNED.ZEROFILL,
    real: DataTypes.REAL,
    floatSized: DataTypes.FLOAT(8, 2),
    double: DataTypes.DOUBLE(12, 4),
    money: { type: DataTypes.DECIMAL(10, 2), allowNull: false, defaultValue: 9.99 },
    plainDecimal: DataTypes.DECIMAL,
    code: { type: DataTypes.CHAR(8), allowNull: false, defaultValue: "it's" },
    slug: { type: DataTypes.STRING(64).BINARY, unique: true },
    secret: DataTypes.STRING.BINARY,
    note: DataTypes.TEXT('tiny'),
    body: DataTypes.TEXT('medium'),
    archive: DataTypes.TEXT('long'),
    blob: DataTypes.BLOB,
    bigBlob: DataTypes.BLOB('long'),
    ref: { type: DataTypes.UUID, defaultValue: DataTypes.UUIDV4 },
    data: DataTypes.JSON,
    state: { type: DataTypes.ENUM('draft', 'Live', "it's"), allowNull: false, defaultValue: 'draft' },
    flag: { type: DataTypes.BOOLEAN, allowNull: false, defaultValue: false },
    day: DataTypes.DATEONLY,
    at: DataTypes.TIME,
    precise: { type: DataTypes.DATE(3), defaultValue: Sequelize.literal('CURRENT_TIMESTAMP(3)') },
    touched: {
      type: DataTypes.DATE,
      allowNull: false,
      defaultValue: Sequelize.literal('CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP'),
    },
    seen: { type: DataTypes.DATE, defaultValue: DataTypes.NOW },
  },
  {
    sequelize,
    tableName: 'widgets',
    indexes: [
      { fields: ['tiny', 'small'] },
      { name: 'widgets_code_unique', unique: true, fields: ['code'] },
      { name: 'widgets_recent', fields: [{ name: 'touched', order: 'DESC' }] },
    ],
  },
);

class Part extends Model {}
Part.init(
  {
    widgetId: {
      type: DataTypes.INTEGER.UNSIGNED,
      allowNull: false,
      references: { model: Widget, key: 'id' },
      onDelete: 'RESTRICT',
      onUpdate: 'NO ACTION',
    },
    label: { type: DataTypes.STRING(40), allowNull: false },
  },
  { sequelize, tableName: 'parts', timestamps: false },
);
Part.belongsTo(Widget, { foreignKey: 'widgetId' });
Widget.hasMany(Part, { foreignKey: 'widgetId' });

module.exports = sequelize;

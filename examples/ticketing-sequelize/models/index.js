'use strict';
// The models entry point as sequelize-cli generates it: every other file in this folder defines
// one model; this one creates the Sequelize instance, loads them and runs their associations.
// `schemaguard check --models sequelize:examples/ticketing-sequelize/models/index.js` reads it
// without connecting to anything.

const fs = require('fs');
const path = require('path');
const Sequelize = require('sequelize');

const basename = path.basename(__filename);
const databaseUrl = process.env.DATABASE_URL || `sqlite:${path.join(__dirname, '..', 'ticketing-dev.db')}`;
const sequelize = new Sequelize(databaseUrl, { logging: false });
const db = {};

fs.readdirSync(__dirname)
  .filter((file) => file !== basename && file.endsWith('.js'))
  .sort()
  .forEach((file) => {
    const model = require(path.join(__dirname, file))(sequelize, Sequelize.DataTypes);
    db[model.name] = model;
  });

Object.keys(db).forEach((modelName) => {
  if (db[modelName].associate) {
    db[modelName].associate(db);
  }
});

db.sequelize = sequelize;
db.Sequelize = Sequelize;

module.exports = db;

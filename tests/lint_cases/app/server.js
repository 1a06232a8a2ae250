// The origin story: a CommonJS Express app that wipes its schema on every start.
const express = require('express');
const db = require('./models');

const app = express();
// Not calls: sequelize.sync({ force: true }) in a comment,
/* db.sync({ alter: true }) in a block comment, */
const docs = "sequelize.sync({ force: true })";
const more = `db.sequelize.sync({ alter: true }) and ${'Model.sync({ force: true })'}`;

async function start() {
  await db.sequelize.sync({ force: true }); // expect: force_reset
  await db.sequelize
    .sync({ alter: true }); // expect: force_reset
  await db.User.sync({ force: false });
  await db.sequelize.sync();
  await db.sequelize.sync({ alter: { drop: false } });
  app.listen(3000);
}

start();

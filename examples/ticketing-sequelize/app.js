'use strict';
// The app's start-up as it shipped: every restart drops and recreates every table from the models
// (the first bug of the origin story). Do not run it against a database whose rows you want;
// `schemaguard lint examples/ticketing-sequelize/` flags the call below, and
// `schemaguard check --models sequelize:examples/ticketing-sequelize/models/index.js --db …`
// shows what the models would do to the database before anything runs.

const { sequelize, Event, User } = require('./models');

async function main() {
  await sequelize.authenticate();
  await sequelize.sync({ force: true }); // BUG: drops every table, and every row, on each restart
  const [events, users] = await Promise.all([Event.count({ where: { is_published: true } }), User.count()]);
  console.log(`ticketing: serving ${events} published events to ${users} users`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});

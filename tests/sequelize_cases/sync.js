// Create the database from a models entry with Sequelize's own sync(), the way an app does.
'use strict';
const path = require('path');
(async () => {
  let exported = require(path.resolve(process.argv[2]));
  if (exported && exported.sequelize) exported = exported.sequelize;
  await exported.sync({ force: process.argv[3] === 'force' });
  await exported.close();
})().catch((err) => {
  console.error(err && err.stack ? err.stack : err);
  process.exit(1);
});

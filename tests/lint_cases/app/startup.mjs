// ESM, with the resets behind environment checks (warnings) and an unknown flag.
import { sequelize, User } from './models/index.js';

const forceSync = process.argv.includes('--reset');

if (process.env.NODE_ENV === 'development') {
  await sequelize.sync({ force: true }); // expect: force_reset
}
if (process.env.FORCE_SYNC) await User.sync({ alter: true }); // expect: force_reset
process.env.NODE_ENV === 'test' ? await sequelize.sync({ force: true }) : null; // expect: force_reset
await User.sync({ force: forceSync }); // expect: force_reset
if (process.env.NODE_ENV === 'production') {
  await sequelize.sync({ force: true }); // expect: force_reset
}
// schemaguard: ignore force_reset -- seeded demo database
await sequelize.sync({ force: true });
await sequelize.sync({ force: true }); /* schemaguard: ignore SG314 */

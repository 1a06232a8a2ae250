// TypeORM in TypeScript: a DataSource config and its calls.
import { DataSource, DataSourceOptions } from 'typeorm';
import { User } from './entity/User';

const options: DataSourceOptions = {
  type: 'postgres',
  entities: [User],
  synchronize: true, // expect: force_reset
  dropSchema: process.env.NODE_ENV !== 'production', // expect: force_reset
  logging: false,
};

export const AppDataSource = new DataSource(options);

export async function reset(ds: DataSource): Promise<void> {
  await ds.synchronize(true); // expect: force_reset
  await ds.dropDatabase(); // expect: force_reset
}

export const safe = new DataSource({ type: 'sqlite', database: 'db.sqlite', synchronize: false } as DataSourceOptions);

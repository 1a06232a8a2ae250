// TSX: generic components and JSX around a reset.
import React from 'react';
import { sequelize } from './db';

export function Admin<T extends object>(props: T): JSX.Element {
  const onReset = async (): Promise<void> => {
    if (!import.meta.env.DEV) return;
    await sequelize.sync({ force: true }); // expect: force_reset
  };
  return <button onClick={onReset}>{"sequelize.sync({ force: true })"}</button>;
}

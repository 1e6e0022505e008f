import { DataSource } from 'typeorm';
import { loadMigrations } from '../../src/database/migrations';

/**
 * A data source on `databaseUrl` with every migration older than `timestamp` applied: the
 * schema a migration under test finds on a store written before it.
 */
export async function dataSourceMigratedBefore(
  databaseUrl: string,
  timestamp: number,
): Promise<DataSource> {
  const earlier = loadMigrations().filter(
    (Migration) => Number(/(\d{13})$/.exec(new Migration().name ?? '')?.[1]) < timestamp,
  );
  if (earlier.length === 0) throw new Error(`no migration is older than ${timestamp}`);
  const dataSource = new DataSource({ type: 'postgres', url: databaseUrl, migrations: earlier });
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  return dataSource;
}

/** Splits a PostgreSQL URL into what start-up messages and the database bootstrap need. */
export interface PostgresTarget {
  host: string;
  port: number;
  database: string;
  /** The same server's maintenance database, used to create the target database. */
  maintenanceUrl: string;
}

export function parsePostgresUrl(databaseUrl: string): PostgresTarget {
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  const maintenance = new URL(databaseUrl);
  maintenance.pathname = '/postgres';
  return {
    host: url.hostname || 'localhost',
    port: Number(url.port || 5432),
    database,
    maintenanceUrl: maintenance.toString(),
  };
}

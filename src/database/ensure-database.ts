import { Client } from 'pg';
import { StartupError } from '../bootstrap/startup-error';
import { parsePostgresUrl } from './postgres-url';

const UNDEFINED_DATABASE = '3D000';
const DUPLICATE_DATABASE = '42P04';
/** SQLSTATE class 28: the server refused the role, its password or the authentication method. */
const INVALID_AUTHORIZATION_CLASS = '28';
const CONNECT_TIMEOUT_MS = 5000;

/**
 * Makes sure the configured database exists and the server answers, creating the database
 * on first start. Fails with a message naming the address and how to start PostgreSQL.
 */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const target = parsePostgresUrl(databaseUrl);
  try {
    await withClient(databaseUrl, async () => undefined);
    return;
  } catch (error) {
    if (pgCode(error) !== UNDEFINED_DATABASE) throw notConnected(target, error);
  }
  try {
    await withClient(target.maintenanceUrl, (client) =>
      client.query(`CREATE DATABASE ${quoteIdentifier(target.database)}`),
    );
  } catch (error) {
    // Another replica created it between our check and our CREATE: that is fine. Two
    // concurrent CREATEs can also collide on the catalog's unique index (23505).
    if (pgCode(error) === DUPLICATE_DATABASE || (await databaseAnswers(databaseUrl))) return;
    if (pgCode(error)) {
      throw new StartupError(
        `PostgreSQL at ${target.host}:${target.port} refused to create database "${target.database}": ${(error as Error).message}`,
      );
    }
    throw notConnected(target, error);
  }
}

async function databaseAnswers(databaseUrl: string): Promise<boolean> {
  try {
    await withClient(databaseUrl, async () => undefined);
    return true;
  } catch {
    return false;
  }
}

async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A server that answered with an SQLSTATE is reachable: telling the operator to start it would
 * send them the wrong way when it refused the user or password (class 28), or is still starting.
 */
function notConnected(target: ReturnType<typeof parsePostgresUrl>, error: unknown): StartupError {
  const code = pgCode(error);
  if (code === undefined) return unreachable(target, error);
  const hint = code.startsWith(INVALID_AUTHORIZATION_CLASS)
    ? 'Check the user and password in DATABASE_URL.'
    : 'Check DATABASE_URL and the server.';
  return new StartupError(
    `PostgreSQL at ${target.host}:${target.port} refused the connection: ${(error as Error).message} (${code}). ${hint}`,
  );
}

function unreachable(target: ReturnType<typeof parsePostgresUrl>, error: unknown): StartupError {
  const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
  return new StartupError(
    `Cannot reach PostgreSQL at ${target.host}:${target.port} (${reason}). ` +
      'Check DATABASE_URL, or start PostgreSQL: `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start` ' +
      'or `docker compose up -d postgres`.',
  );
}

function pgCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

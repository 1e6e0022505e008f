import { randomBytes } from 'node:crypto';

type Sql = <T = Record<string, unknown>>(text: string, params?: unknown[]) => Promise<T[]>;

/** Inserts a bare `connection` row (the profile store only reads its id and priority). */
export async function createConnection(
  sql: Sql,
  options: { priority?: number | null; connector?: string } = {},
): Promise<string> {
  const [row] = await sql<{ id: string }>(
    `INSERT INTO connection (connector, name, direction, priority) VALUES ($1, $2, 'pull', $3) RETURNING id`,
    [
      options.connector ?? 'hubspot',
      `conn-${randomBytes(6).toString('hex')}`,
      options.priority ?? null,
    ],
  );
  return row.id;
}

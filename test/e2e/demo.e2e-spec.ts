import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from '../support/free-port';
import { spawnTs } from '../support/spawn-service';
import { TEST_POSTGRES_SERVER, TEST_REDIS_URL } from '../support/test-environment';
import { deleteRedisKeys, dropDatabase } from '../support/throwaway-resources';

/** The demo boots the app under ts-node, runs two syncs and three webhooks: allow for a busy CI. */
const DEMO_TIMEOUT_MS = 90_000;

/** One printed profile: the lines from its title up to the next blank line. */
function profileBlock(output: string, name: string): string {
  const start = output.indexOf(`  ${name}:`);
  if (start < 0) return '';
  const end = output.indexOf('\n\n', start);
  return output.slice(start, end < 0 ? undefined : end);
}

describe('npm run demo', () => {
  const name = `syncline_t_${randomBytes(6).toString('hex')}`;
  const databaseUrl = new URL(TEST_POSTGRES_SERVER);
  databaseUrl.pathname = `/${name}`;

  afterAll(async () => {
    await dropDatabase(databaseUrl.toString());
    await deleteRedisKeys(TEST_REDIS_URL, name);
  });

  it(
    'syncs overlapping HubSpot and Shopify customers, applies live webhooks and prints unified profiles with provenance',
    async () => {
      const port = await freePort();
      const demo = spawnTs(
        'scripts/demo.ts',
        {
          DEMO_DATABASE_URL: databaseUrl.toString(),
          REDIS_URL: TEST_REDIS_URL,
          QUEUE_PREFIX: name,
          PORT: String(port),
        },
        { args: ['--exit'] },
      );
      let output: string;
      try {
        let timer: NodeJS.Timeout | undefined;
        const code = await Promise.race([
          demo.exited,
          new Promise(
            (resolve) => (timer = setTimeout(() => resolve('timed out'), DEMO_TIMEOUT_MS)),
          ),
        ]);
        clearTimeout(timer);
        output = demo.output();
        // On failure, show what the demo printed: its last line names the cause.
        if (code !== 0) throw new Error(`demo exited with ${String(code)}:\n${output}`);
      } finally {
        await demo.stop('SIGKILL');
      }

      // Where to look, as before.
      expect(output).toContain(`http://127.0.0.1:${port}/docs`);
      expect(output).toMatch(/Admin token\s+demo_\S+/);
      expect(output).toMatch(
        /HubSpot connection\s+http:\/\/127\.0\.0\.1:\d+\/v1\/connections\/[0-9a-f-]{36}/,
      );
      expect(output).toMatch(
        /Shopify connection\s+http:\/\/127\.0\.0\.1:\d+\/v1\/connections\/[0-9a-f-]{36}/,
      );
      expect(output).toMatch(/Credential checks\s+HubSpot ok .*; Shopify ok /);

      // A full sync of each tool over the API, then three live webhooks, all accepted.
      expect(output).toMatch(/HubSpot full sync\s+succeeded: 5 read, 5 ingested, 0 failed/);
      expect(output).toMatch(/Shopify full sync\s+succeeded: 4 read, 4 ingested, 0 failed/);
      expect(output).toMatch(/After both syncs\s+9 records → 6 profiles \(6 people\)/);
      expect(output).toMatch(
        /Live webhooks .*propertyChange.* 200,.*customers\/update.* 200,.*customers\/create.* 200/,
      );

      // Grace: two emails, one phone in two formats → one profile with traits from both tools.
      const grace = profileBlock(output, 'Grace Hopper');
      expect(grace).toMatch(/identifiers\s+.*email grace\.hopper@cobol\.example/);
      expect(grace).toMatch(/identifiers\s+.*email grace@navy\.example.*phone \+14155550132/);
      expect(grace).toMatch(/company\s+US Navy\s+← HubSpot contact \d+/);
      // The live customers/update webhook added "vip".
      expect(grace).toMatch(/tags\s+newsletter, vip\s+← Shopify customer \d+/);
      expect(grace).toMatch(/sources\s+HubSpot contact \d+ \+ Shopify customer \d+/);
      // Ada: the HubSpot webhook (ids only) made the connector fetch the changed contact.
      expect(profileBlock(output, 'Ada Lovelace')).toMatch(
        /jobTitle\s+Countess of Lovelace\s+← HubSpot contact \d+/,
      );
      // Edsger: a live customers/create merged into his HubSpot profile.
      expect(profileBlock(output, 'Edsger Dijkstra')).toMatch(
        /sources\s+HubSpot contact \d+ \+ Shopify customer \d+/,
      );

      // A new phone made in Shopify arrived in the three other tools, each timed.
      for (const where of [
        'HubSpot contact `phone`',
        'Mailchimp merge field `PHONE`',
        'Zendesk user `phone`',
      ]) {
        expect(output).toMatch(new RegExp(`→ outbound → ${where.replace(/[`]/g, '.')}\\s+\\d+ ms`));
      }

      // And the store agrees with what was printed: six people, four of them in both tools.
      const db = new Client({ connectionString: databaseUrl.toString() });
      await db.connect();
      try {
        const { rows } = await db.query<{ connectors: string[] }>(
          `SELECT array_agg(DISTINCT c.connector ORDER BY c.connector) AS connectors
           FROM profile p
           JOIN source_record s ON s.profile_id = p.id AND NOT s.deleted
           JOIN connection c ON c.id = s.connection_id
           WHERE p.status = 'active'
           GROUP BY p.id`,
        );
        expect(rows).toHaveLength(6);
        expect(rows.filter((row) => row.connectors.length === 2)).toHaveLength(4);
      } finally {
        await db.end();
      }
    },
    DEMO_TIMEOUT_MS + 30_000,
  );
});

import type { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ConnectorRegistry } from '../../../src/connector-registry/connector-registry';
import type { Connector } from '../../../src/connector-sdk/connector.types';
import type { OutboundJobData } from '../../../src/outbound/outbound-jobs';
import { OutboxRelay } from '../../../src/outbound/outbox-relay.service';
import { OutboxRepository } from '../../../src/outbound/outbox.repository';
import { createTestEnvironment, TestEnvironment } from '../../support/test-environment';

interface QueuedJob {
  name: string;
  data: OutboundJobData;
}

/** A destination connector: the relay only asks whether it can write. */
const writer = {
  manifest: {
    name: 'memory',
    displayName: 'Memory',
    configSchema: { type: 'object' },
    credentialsSchema: { type: 'object' },
    defaultMapping: {},
  },
  write: () => Promise.resolve([]),
  erase: () => Promise.resolve([]),
} as unknown as Connector;

describe('OutboxRelay (real PostgreSQL)', () => {
  let env: TestEnvironment;
  let db: DataSource;
  let relay: OutboxRelay;
  const queued: QueuedJob[] = [];
  const clients: Client[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    db = await new DataSource({ type: 'postgres', url: env.databaseUrl }).initialize();
    const queue = {
      addBulk: (jobs: QueuedJob[]) => {
        queued.push(...jobs.map(({ name, data }) => ({ name, data })));
        return Promise.resolve([]);
      },
    } as unknown as Queue<OutboundJobData>;
    relay = new OutboxRelay(new OutboxRepository(db), new ConnectorRegistry([writer]), queue);
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.end().catch(() => undefined)));
    queued.length = 0;
    await env.sql(`DELETE FROM connection`);
  });

  afterAll(async () => {
    await db?.destroy();
    await env?.teardown();
  });

  async function connection(
    overrides: { direction?: string; enabled?: boolean; propagateErase?: boolean } = {},
  ): Promise<string> {
    const [row] = await env.sql<{ id: string }>(
      `INSERT INTO connection (connector, name, direction, enabled, propagate_erase)
       VALUES ('memory', $1, $2, $3, $4) RETURNING id`,
      [
        `destination-${randomUUID()}`,
        overrides.direction ?? 'push',
        overrides.enabled ?? true,
        overrides.propagateErase ?? true,
      ],
    );
    return row.id;
  }

  /** A transaction on a connection of its own that has appended a change and stays open. */
  async function openTransactionWithChange(profileId: string): Promise<Client> {
    const client = new Client({ connectionString: env.databaseUrl });
    clients.push(client);
    await client.connect();
    await client.query('BEGIN');
    await client.query(`INSERT INTO profile_change (profile_id, kind) VALUES ($1, 'updated')`, [
      profileId,
    ]);
    return client;
  }

  async function relayUntilIdle(): Promise<void> {
    while ((await relay.relayOnce()) > 0);
  }

  const pushedProfiles = () =>
    queued.filter((job) => job.name === 'push').map((job) => job.data.profileId);

  it('relays every change when transactions that took their ids in one order commit in another', async () => {
    await connection();
    const [first, second, third, fourth] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const t1 = await openTransactionWithChange(first);
    const t2 = await openTransactionWithChange(second);
    await t2.query('COMMIT');
    // Ids above the latest commit: the snapshot's xmax is below the fourth's.
    const t3 = await openTransactionWithChange(third);
    const t4 = await openTransactionWithChange(fourth);

    await relayUntilIdle();
    // The second committed, but a transaction older than it is still open: nothing is read
    // yet, or the first's change would land behind the saved position.
    expect(pushedProfiles()).toEqual([]);

    await t4.query('COMMIT');
    await t3.query('COMMIT');
    await t1.query('COMMIT');
    await relayUntilIdle();
    expect(pushedProfiles().sort()).toEqual([first, second, third, fourth].sort());
  });

  it('pushes a profile whose tool was outvoted to that tool alone, and nowhere for a pull-only one', async () => {
    const [outvotedTool, otherTool, pullOnly] = [
      await connection({ direction: 'both' }),
      await connection(),
      await connection({ direction: 'pull' }),
    ];
    const [outvotedInWritableTool, outvotedInPullOnlyTool, changed] = [
      randomUUID(),
      randomUUID(),
      randomUUID(),
    ];
    const outvoted = (profileId: string, connectionId: string) =>
      env.sql(
        `INSERT INTO profile_change (profile_id, kind, changes) VALUES ($1, 'outvoted', $2)`,
        [
          profileId,
          JSON.stringify({ outvoted: [{ connectionId, externalId: 'x', traits: ['firstName'] }] }),
        ],
      );
    await outvoted(outvotedInWritableTool, outvotedTool);
    await outvoted(outvotedInPullOnlyTool, pullOnly);
    await outvoted(changed, outvotedTool);
    await env.sql(`INSERT INTO profile_change (profile_id, kind) VALUES ($1, 'updated')`, [
      changed,
    ]);

    await relayUntilIdle();
    const pushes = queued
      .filter((job) => job.name === 'push')
      .map((job) => [job.data.profileId, job.data.connectionId]);
    expect(pushes).toHaveLength(3);
    expect(pushes).toEqual(
      expect.arrayContaining([
        [outvotedInWritableTool, outvotedTool],
        [changed, outvotedTool],
        [changed, otherTool],
      ]),
    );
  });

  it('queues an erase for every connection holding the person, whatever its settings now', async () => {
    const holders = [
      await connection(),
      await connection({ propagateErase: false }),
      await connection({ enabled: false }),
      await connection({ direction: 'pull' }),
    ];
    const profileId = randomUUID();
    for (const connectionId of holders) {
      await env.sql(
        `INSERT INTO push_state (connection_id, profile_id, external_id, fields, status)
         VALUES ($1, $2, 'v1', '{"email": "ada@acme.io"}', 'ok')`,
        [connectionId, profileId],
      );
    }
    await env.sql(`INSERT INTO profile_change (profile_id, kind) VALUES ($1, 'erased')`, [
      profileId,
    ]);

    await relayUntilIdle();
    const erases = queued.filter((job) => job.name === 'erase').map((job) => job.data);
    expect(erases).toHaveLength(holders.length);
    expect(erases).toEqual(
      expect.arrayContaining(holders.map((connectionId) => ({ connectionId, profileId }))),
    );
  });
});

import { Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { ConnectorRegistry } from '../../../src/connector-registry/connector-registry';
import type {
  Connector,
  EraseItem,
  WriteItem,
  WriteResult,
} from '../../../src/connector-sdk/connector.types';
import type { ConnectionsService } from '../../../src/connections/connections.service';
import { ErasePropagator } from '../../../src/outbound/erase-propagator.service';
import { ProfilePusher } from '../../../src/outbound/profile-pusher.service';
import { PushStateRepository } from '../../../src/outbound/push-state.repository';
import { createTestEnvironment, TestEnvironment } from '../../support/test-environment';

/**
 * A destination whose writes wait for the test to let them land (unless told otherwise), so
 * an erase can run while one is in flight. Each landed write returns `nextId`, as a vendor
 * creating a person would.
 */
class SlowDestination {
  readonly writes: WriteItem[] = [];
  readonly erased: EraseItem[] = [];
  nextId = 'v1';
  /** False: writes land at once. */
  holdWrites = true;
  private release: (() => void) | undefined;
  private started: (() => void) | undefined;

  readonly connector = {
    manifest: {
      name: 'slow',
      displayName: 'Slow',
      configSchema: { type: 'object' },
      credentialsSchema: { type: 'object' },
      defaultMapping: { email: 'email', first_name: 'firstName' },
    },
    write: async (_ctx: unknown, batch: WriteItem[]): Promise<WriteResult[]> => {
      this.writes.push(...batch);
      this.started?.();
      if (this.holdWrites) await new Promise<void>((resolve) => (this.release = resolve));
      return batch.map((item) => ({
        profileId: item.profileId,
        ok: true,
        externalId: this.nextId,
      }));
    },
    erase: (_ctx: unknown, batch: EraseItem[]): Promise<WriteResult[]> => {
      this.erased.push(...batch);
      return Promise.resolve(batch.map((item) => ({ profileId: item.profileId, ok: true })));
    },
  } as unknown as Connector;

  /** Resolves once a write reached the destination (and is held there). */
  writeStarted(): Promise<void> {
    return new Promise((resolve) => (this.started = resolve));
  }

  letWriteLand(): void {
    this.release?.();
  }
}

const ORIGIN_TIME = '2025-02-01T00:00:00.000Z';

describe('ProfilePusher (real PostgreSQL)', () => {
  let env: TestEnvironment;
  let db: DataSource;
  let destination: SlowDestination;
  let states: PushStateRepository;
  let eraser: ErasePropagator;
  let pusher: ProfilePusher;
  let connectionId: string;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    env = await createTestEnvironment();
    db = await new DataSource({ type: 'postgres', url: env.databaseUrl }).initialize();
  });

  beforeEach(async () => {
    destination = new SlowDestination();
    const registry = new ConnectorRegistry([destination.connector]);
    const [row] = await env.sql<{ id: string }>(
      `INSERT INTO connection (connector, name, direction) VALUES ('slow', $1, 'push') RETURNING id`,
      [`destination-${randomUUID()}`],
    );
    connectionId = row.id;
    // The connection as the runtime opens it; the connector gets no context it would use.
    const connections = {
      openIfExists: async (id: string) => {
        const [connection] = await env.sql(
          `SELECT id, connector, direction, enabled, mapping, propagate_erase AS "propagateErase"
           FROM connection WHERE id = $1`,
          [id],
        );
        return connection ? { connection, credentials: {} } : null;
      },
      context: () => ({}),
    } as unknown as ConnectionsService;
    states = new PushStateRepository(db);
    eraser = new ErasePropagator(connections, registry, states);
    pusher = new ProfilePusher(connections, registry, states, eraser);
  });

  afterAll(async () => {
    await db?.destroy();
    await env?.teardown();
  });

  /** A person whose email and name came from another tool's record `c-1`. */
  async function activeProfile(): Promise<string> {
    const id = randomUUID();
    await env.sql(
      `INSERT INTO profile (id, status, traits, provenance)
       VALUES ($1, 'active', '{"email": "ada@acme.io", "firstName": "Ada"}',
               json_build_array(json_build_array($2::text, 'c-1', $3::text,
                                                 json_build_array('email', 'firstName'))))`,
      [id, randomUUID(), ORIGIN_TIME],
    );
    return id;
  }

  /** What ProfileEraseService does to the profile row, which is all the pusher reads. */
  const deleteProfile = (id: string) => env.sql(`DELETE FROM profile WHERE id = $1`, [id]);

  const heldState = (profileId: string) =>
    env.sql(`SELECT external_id, fields FROM push_state WHERE profile_id = $1`, [profileId]);

  const sentValues = (profileId: string) =>
    env.sql<{ traits: Record<string, { value: unknown; setAt: string }[]> }>(
      `SELECT traits FROM push_sent_values WHERE profile_id = $1`,
      [profileId],
    );

  it('records the values it sends, dated as their origin, before the destination has them', async () => {
    const profileId = await activeProfile();
    const started = destination.writeStarted();
    const push = pusher.push(connectionId, [profileId]);
    await started;
    // The destination's webhook for this write may arrive now: the values must be known.
    const [row] = await sentValues(profileId);
    expect(row.traits.firstName).toEqual([
      expect.objectContaining({ value: 'Ada', setAt: ORIGIN_TIME }),
    ]);
    destination.letWriteLand();
    expect((await push).get(profileId)).toEqual({
      kind: 'written',
      fields: ['email', 'first_name'],
    });
  });

  it('deletes a person it created for a profile erased during the write, and keeps nothing', async () => {
    const profileId = await activeProfile();
    const started = destination.writeStarted();
    const push = pusher.push(connectionId, [profileId]);
    await started;
    // The erase commits now: no push state yet, so the relay queues no erase for this destination.
    await deleteProfile(profileId);
    destination.letWriteLand();

    expect((await push).get(profileId)).toEqual({ kind: 'skipped', reason: 'profile was erased' });
    expect(destination.erased).toEqual([
      { profileId, externalId: 'v1', fields: { email: 'ada@acme.io', first_name: 'Ada' } },
    ]);
    expect(await heldState(profileId)).toEqual([]);
    expect(await sentValues(profileId)).toEqual([]);
  });

  it('deletes again a person its write re-created after the erase job deleted them', async () => {
    const profileId = await activeProfile();
    await states.save(connectionId, [
      {
        profileId,
        externalId: 'v1',
        fields: { email: 'ada@acme.io' },
        status: 'ok',
        error: null,
        pushedAt: new Date(),
      },
    ]);
    const started = destination.writeStarted();
    const push = pusher.push(connectionId, [profileId]);
    await started;
    // Erased, and the erase job runs at once: v1 is deleted at the destination.
    await deleteProfile(profileId);
    expect(await eraser.erase(connectionId, profileId)).toBe('erased');
    // The update of v1 then finds no one, and the connector creates the person again as v2.
    destination.nextId = 'v2';
    destination.letWriteLand();

    await push;
    expect(destination.erased.map((item) => item.externalId)).toEqual(['v1', 'v2']);
    expect(await heldState(profileId)).toEqual([]);
  });

  it('waits for an erase under way when it records the write, then deletes the person', async () => {
    const profileId = await activeProfile();
    const started = destination.writeStarted();
    const push = pusher.push(connectionId, [profileId]);
    await started;
    const erase = new Client({ connectionString: env.databaseUrl });
    await erase.connect();
    try {
      await erase.query('BEGIN');
      await erase.query(`SELECT id FROM profile WHERE id = $1 FOR UPDATE`, [profileId]);
      await erase.query(`DELETE FROM profile WHERE id = $1`, [profileId]);
      destination.letWriteLand();
      // The push records its write only once the erase is decided.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await heldState(profileId)).toEqual([]);
      await erase.query('COMMIT');
    } finally {
      await erase.end();
    }

    await push;
    expect(destination.erased.map((item) => item.externalId)).toEqual(['v1']);
    expect(await heldState(profileId)).toEqual([]);
  });

  it('finishes an erase a previous push left undone when the profile is pushed again', async () => {
    const profileId = randomUUID();
    // The profile is gone, but a push's record of the person is still here.
    await states.save(connectionId, [
      {
        profileId,
        externalId: 'v9',
        fields: { email: 'ada@acme.io' },
        status: 'ok',
        error: null,
        pushedAt: new Date(),
      },
    ]);

    await pusher.push(connectionId, [profileId]);
    expect(destination.writes).toEqual([]);
    expect(destination.erased.map((item) => item.externalId)).toEqual(['v9']);
    expect(await heldState(profileId)).toEqual([]);
  });

  it('diffs against the vendor record it writes to, not a newer one of the same person', async () => {
    const profileId = randomUUID();
    await env.sql(
      `INSERT INTO profile (id, status, traits)
       VALUES ($1, 'active', '{"email": "ada@acme.io", "firstName": "Ada Lovelace"}')`,
      [profileId],
    );
    const record = (externalId: string, firstName: string, receivedAt: string) =>
      env.sql(
        `INSERT INTO source_record (connection_id, external_id, profile_id, vendor_updated_at,
                                    content_hash, traits, received_at)
         VALUES ($1, $2, $3, $4, '\\x00', $5, $4)`,
        [connectionId, externalId, profileId, receivedAt, { email: 'ada@acme.io', firstName }],
      );
    // We write to v1, which holds the old name; v2, a duplicate read later, holds the new one.
    await record('v1', 'Ada', '2026-01-01T00:00:00Z');
    await states.save(connectionId, [
      {
        profileId,
        externalId: 'v1',
        fields: { email: 'ada@acme.io', first_name: 'Ada' },
        status: 'ok',
        error: null,
        pushedAt: new Date('2026-01-02T00:00:00Z'),
      },
    ]);
    await record('v2', 'Ada Lovelace', '2026-01-03T00:00:00Z');

    destination.holdWrites = false;
    const outcomes = await pusher.push(connectionId, [profileId]);
    expect(outcomes.get(profileId)).toEqual({ kind: 'written', fields: ['first_name'] });
    expect(destination.writes).toEqual([
      expect.objectContaining({ externalId: 'v1', changed: { first_name: 'Ada Lovelace' } }),
    ]);
  });
});

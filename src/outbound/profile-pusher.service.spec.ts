import { Logger } from '@nestjs/common';
import { UnrecoverableError } from 'bullmq';
import { QueryFailedError } from 'typeorm';
import type { SentValues } from '../profiles/survivorship/sent-values';
import type { ConnectorRegistry } from '../connector-registry/connector-registry';
import type { Connector, ConnectorContext, WriteItem } from '../connector-sdk/connector.types';
import type { ConnectionEntity } from '../connections/connection.entity';
import type { ConnectionsService, OpenedConnection } from '../connections/connections.service';
import type { EraseOutcome, ErasePropagator } from './erase-propagator.service';
import { ProfilePusher } from './profile-pusher.service';
import type {
  HeldRecord,
  PushState,
  PushStateRepository,
  PushStateWrite,
  PushTarget,
} from './push-state.repository';

const CONNECTION = 'c1';
const PROFILE = '00000000-0000-4000-8000-000000000001';

/**
 * What happened, in order, at the destination, the eraser and the push state:
 * `write <profile>`, `erase <connection> <profile>`, `read sent`, `record sent <profile>`.
 */
type Event = string;

// The fakes implement only what ProfilePusher calls, with the real methods' signatures.
type ConnectionsFake = Pick<ConnectionsService, 'openIfExists' | 'context'>;
type RegistryFake = Pick<ConnectorRegistry, 'get'>;
type PushStatesFake = Pick<
  PushStateRepository,
  'profiles' | 'states' | 'heldRecords' | 'save' | 'sentValues' | 'recordSent'
>;
type EraserFake = Pick<ErasePropagator, 'erase'>;

/** The connection as ConnectionsService opens it: a destination that propagates erases. */
class FakeConnections implements ConnectionsFake {
  openIfExists(id: string): Promise<OpenedConnection | null> {
    const connection = {
      id,
      connector: 'crm',
      direction: 'push',
      enabled: true,
      mapping: {},
      propagateErase: true,
    } as Partial<ConnectionEntity> as ConnectionEntity;
    return Promise.resolve({ connection, credentials: {} });
  }

  context(): ConnectorContext {
    return {} as ConnectorContext;
  }
}

/**
 * Profiles and push state in memory. `save` answers like the real one: the ids among the
 * states whose profile no longer exists. `eraseBeforeSave` deletes a profile just before the
 * next save, as an erase committing while the push is under way would.
 */
class FakePushStates implements PushStatesFake {
  readonly targets = new Map<string, PushTarget>();
  readonly held = new Map<string, PushState>();
  /** The latest record each profile's destination sent us. */
  readonly records = new Map<string, HeldRecord>();
  /** The canonical values recorded as sent, by profile. */
  readonly sent = new Map<string, SentValues>();
  private readonly erasingBeforeSave = new Set<string>();

  constructor(private readonly events: Event[] = []) {}

  sentValues(_connectionId: string, profileIds: string[]): Promise<Map<string, SentValues>> {
    this.events.push('read sent');
    return Promise.resolve(
      new Map(profileIds.flatMap((id) => (this.sent.has(id) ? [[id, this.sent.get(id)!]] : []))),
    );
  }

  recordSent(_connectionId: string, rows: { profileId: string; traits: SentValues }[]) {
    for (const row of rows) {
      this.events.push(`record sent ${row.profileId}`);
      this.sent.set(row.profileId, row.traits);
    }
    return Promise.resolve();
  }

  profiles(ids: string[]): Promise<PushTarget[]> {
    return Promise.resolve(ids.flatMap((id) => this.targets.get(id) ?? []));
  }

  states(_connectionId: string, profileIds: string[]): Promise<Map<string, PushState>> {
    return Promise.resolve(
      new Map(profileIds.flatMap((id) => (this.held.has(id) ? [[id, this.held.get(id)!]] : []))),
    );
  }

  heldRecords(
    _connectionId: string,
    targets: { profileId: string; externalId: string | null }[],
  ): Promise<Map<string, HeldRecord>> {
    return Promise.resolve(
      new Map(
        targets.flatMap(({ profileId }) => {
          const record = this.records.get(profileId);
          return record ? [[profileId, record]] : [];
        }),
      ),
    );
  }

  save(_connectionId: string, states: PushStateWrite[]): Promise<string[]> {
    for (const id of this.erasingBeforeSave) this.targets.delete(id);
    this.erasingBeforeSave.clear();
    for (const state of states) {
      this.held.set(state.profileId, { ...state, attemptedAt: new Date() });
    }
    return Promise.resolve(
      states.map((state) => state.profileId).filter((id) => !this.targets.has(id)),
    );
  }

  eraseBeforeSave(profileId: string): void {
    this.erasingBeforeSave.add(profileId);
  }
}

/** Records each erase it is asked for, then succeeds or fails with `failure`. */
class FakeEraser implements EraserFake {
  failure: unknown = null;

  constructor(private readonly events: Event[]) {}

  erase(connectionId: string, profileId: string): Promise<EraseOutcome> {
    this.events.push(`erase ${connectionId} ${profileId}`);
    return this.failure === null ? Promise.resolve('erased') : Promise.reject(this.failure);
  }
}

function setup() {
  const events: Event[] = [];
  // All of the connector a push reads: its mapping and `write`.
  const connector = {
    manifest: { defaultMapping: { email: 'email', first_name: 'firstName' } },
    write: (_ctx: unknown, batch: WriteItem[]) => {
      events.push(...batch.map((item) => `write ${item.profileId}`));
      return Promise.resolve(
        batch.map((item) => ({ profileId: item.profileId, ok: true, externalId: 'v2' })),
      );
    },
  } as unknown as Connector;
  const states = new FakePushStates(events);
  const eraser = new FakeEraser(events);
  const connections: ConnectionsFake = new FakeConnections();
  const registry: RegistryFake = { get: () => connector };
  const pushStates: PushStatesFake = states;
  const erasePropagator: EraserFake = eraser;
  const pusher = new ProfilePusher(
    connections as ConnectionsService,
    registry as ConnectorRegistry,
    pushStates as PushStateRepository,
    erasePropagator as ErasePropagator,
  );
  return { pusher, states, eraser, events };
}

/** What the destination was last sent for the person, before the profile was erased. */
const HELD: PushState = {
  profileId: PROFILE,
  externalId: 'v1',
  fields: { email: 'ada@acme.io', first_name: 'Ada' },
  status: 'ok',
  error: null,
  pushedAt: new Date('2025-01-01T00:00:00Z'),
  attemptedAt: new Date('2025-01-01T00:00:00Z'),
};

/** A push of a profile erased by an earlier push's race, whose erase did not finish. */
function setupLeftoverErase() {
  const context = setup();
  context.states.held.set(PROFILE, HELD);
  return context;
}

describe('ProfilePusher, for a profile erased while it was pushed', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('finishes the erase an earlier push left undone: deletes the person, writes nothing', async () => {
    const { pusher, events } = setupLeftoverErase();
    const outcomes = await pusher.push(CONNECTION, [PROFILE]);
    expect(outcomes.get(PROFILE)).toEqual({ kind: 'skipped', reason: 'profile was erased' });
    expect(events).toEqual([`erase ${CONNECTION} ${PROFILE}`]);
  });

  it.each<[string, Error]>([
    [
      'refuses connections',
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), {
        code: 'ECONNREFUSED',
        errno: -111,
        syscall: 'connect',
        address: '127.0.0.1',
        port: 5432,
      }),
    ],
    [
      'shuts down',
      new QueryFailedError(
        'SELECT * FROM push_state WHERE connection_id = $1 AND profile_id = $2',
        [CONNECTION, PROFILE],
        Object.assign(new Error('terminating connection due to administrator command'), {
          code: '57P01',
        }),
      ),
    ],
  ])(
    'throws the error when the database %s, so the job waits for it without spending an attempt',
    async (_when, outage) => {
      const { pusher, eraser } = setupLeftoverErase();
      eraser.failure = outage;
      await expect(pusher.push(CONNECTION, [PROFILE])).rejects.toBe(outage);
    },
  );

  it('rejects the profile when the destination refused the delete for good', async () => {
    const { pusher, eraser } = setupLeftoverErase();
    eraser.failure = new UnrecoverableError('Erase refused: forbidden');
    const outcomes = await pusher.push(CONNECTION, [PROFILE]);
    expect(outcomes.get(PROFILE)).toEqual({
      kind: 'rejected',
      error: 'Erase refused: forbidden',
    });
  });

  it.each<[string, Error]>([
    ['the destination failed', new Error('Erase failed: 503 Service Unavailable')],
    [
      'a query failed for a reason of its own',
      new QueryFailedError(
        'DELETE FROM push_state WHERE connection_id = $1 AND profile_id = $2',
        [CONNECTION, PROFILE],
        Object.assign(new Error('deadlock detected'), { code: '40P01' }),
      ),
    ],
  ])('retries the profile when %s', async (_when, failure) => {
    const { pusher, eraser } = setupLeftoverErase();
    eraser.failure = failure;
    const outcomes = await pusher.push(CONNECTION, [PROFILE]);
    expect(outcomes.get(PROFILE)).toEqual({ kind: 'retry', error: failure.message });
  });

  it('deletes again a person its write re-created after the erase', async () => {
    const { pusher, states, events } = setup();
    states.held.set(PROFILE, HELD);
    states.targets.set(PROFILE, {
      id: PROFILE,
      status: 'active',
      mergedInto: null,
      traits: { email: 'ada@acme.io', firstName: 'Adeline' },
      provenance: [],
    });
    // The erase commits while the write is in flight: it deleted v1, and the write made v2.
    states.eraseBeforeSave(PROFILE);
    const outcomes = await pusher.push(CONNECTION, [PROFILE]);
    expect(events).toEqual(['read sent', `write ${PROFILE}`, `erase ${CONNECTION} ${PROFILE}`]);
    expect(outcomes.get(PROFILE)).toEqual({ kind: 'skipped', reason: 'profile was erased' });
    // The state keeps the re-created person's id: it is whom the erase deletes.
    expect(states.held.get(PROFILE)?.externalId).toBe('v2');
  });

  it('deletes a person the destination already holds when the profile is erased before that is recorded', async () => {
    const { pusher, states, events } = setup();
    const traits = { email: 'ada@acme.io', firstName: 'Ada' };
    // Came from the destination as it is: nothing to write, only a state to record, which
    // the erase (committing now) found missing, so it deleted nobody there.
    states.records.set(PROFILE, {
      profileId: PROFILE,
      externalId: 'v1',
      traits,
      receivedAt: new Date('2025-01-01T00:00:00Z'),
    });
    states.targets.set(PROFILE, {
      id: PROFILE,
      status: 'active',
      mergedInto: null,
      traits,
      provenance: [],
    });
    states.eraseBeforeSave(PROFILE);
    const outcomes = await pusher.push(CONNECTION, [PROFILE]);
    expect(events).toEqual([`erase ${CONNECTION} ${PROFILE}`]);
    expect(outcomes.get(PROFILE)).toEqual({ kind: 'skipped', reason: 'profile was erased' });
  });
});

describe('ProfilePusher, remembering the values it sends', () => {
  const ORIGIN = 'a0000000-0000-4000-8000-00000000000a';
  const target = (firstName: string, setAt: string): PushTarget => ({
    id: PROFILE,
    status: 'active',
    mergedInto: null,
    traits: { email: 'ada@acme.io', firstName },
    provenance: [[ORIGIN, 'c1', setAt, ['email', 'firstName']]],
  });

  it('records each value, dated as where it came from, before writing it', async () => {
    const { pusher, states, events } = setup();
    states.targets.set(PROFILE, target('Ada', '2025-02-01T00:00:00.000Z'));
    await pusher.push(CONNECTION, [PROFILE]);
    // Before: the destination's webhook for the write may arrive before the write returns.
    expect(events).toEqual(['read sent', `record sent ${PROFILE}`, `write ${PROFILE}`]);
    const sentAt = expect.any(String) as unknown;
    expect(states.sent.get(PROFILE)).toEqual({
      email: [{ value: 'ada@acme.io', setAt: '2025-02-01T00:00:00.000Z', sentAt }],
      firstName: [{ value: 'Ada', setAt: '2025-02-01T00:00:00.000Z', sentAt }],
    });
  });

  it('does not count values that came from the destination itself as sent', async () => {
    const { pusher, states } = setup();
    states.targets.set(PROFILE, {
      ...target('Ada', '2025-02-01T00:00:00.000Z'),
      provenance: [
        [CONNECTION, 'v1', '2025-01-01T00:00:00.000Z', ['email']],
        [ORIGIN, 'c1', '2025-02-01T00:00:00.000Z', ['firstName']],
      ],
    });
    await pusher.push(CONNECTION, [PROFILE]);
    expect(Object.keys(states.sent.get(PROFILE) ?? {})).toEqual(['firstName']);
  });

  it('adds a value when it changes and keeps the ones the destination still holds', async () => {
    const { pusher, states } = setup();
    states.targets.set(PROFILE, target('Ada', '2025-02-01T00:00:00.000Z'));
    await pusher.push(CONNECTION, [PROFILE]);
    states.targets.set(PROFILE, target('Adeline', '2025-03-01T00:00:00.000Z'));
    await pusher.push(CONNECTION, [PROFILE]);
    const sent = states.sent.get(PROFILE)!;
    expect(sent.firstName.map((entry) => [entry.value, entry.setAt])).toEqual([
      ['Ada', '2025-02-01T00:00:00.000Z'],
      ['Adeline', '2025-03-01T00:00:00.000Z'],
    ]);
    // The email was not sent again: it keeps the time of the write that first sent it.
    expect(sent.email).toHaveLength(1);
    expect(sent.email[0].setAt).toBe('2025-02-01T00:00:00.000Z');
  });

  it('reads nothing of what was sent when the destination already holds the profile', async () => {
    const { pusher, states, events } = setup();
    const traits = { email: 'ada@acme.io', firstName: 'Ada' };
    states.records.set(PROFILE, {
      profileId: PROFILE,
      externalId: 'v1',
      traits,
      receivedAt: new Date('2025-01-01T00:00:00Z'),
    });
    states.targets.set(PROFILE, { ...target('Ada', '2025-02-01T00:00:00.000Z'), traits });
    expect((await pusher.push(CONNECTION, [PROFILE])).get(PROFILE)).toEqual({ kind: 'unchanged' });
    expect(events).toEqual([]);
  });
});

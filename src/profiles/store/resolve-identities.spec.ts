import { DEFAULT_IDENTITY_LIMITS, IdentityRules } from '../identity/identity-rules';
import { Identifier, identifierKey } from '../identity/identifier';
import { PreparedRecord, sourceKey } from '../ingest/prepared-record';
import { BatchState } from './batch-state';
import { buildWritePlan } from './build-write-plan';
import { resolveIdentities } from './resolve-identities';

const rules = new IdentityRules([], [], DEFAULT_IDENTITY_LIMITS);
const email = (value: string): Identifier => ({ type: 'email', value });

/** Profiles a..d, oldest first, each holding one source (of its own tool) that carries its own email. */
function fourProfiles(mergedIntoC: string[] = []): BatchState {
  const state: BatchState = {
    profiles: new Map(),
    identifierOwners: new Map(),
    sources: new Map(),
    sentValues: new Map(),
  };
  ['a', 'b', 'c', 'd'].forEach((name, age) => {
    const merged = mergedIntoC.includes(name);
    state.profiles.set(name, {
      id: name,
      status: merged ? 'merged' : 'active',
      loadedStatus: merged ? 'merged' : 'active',
      mergedInto: merged ? 'c' : null,
      createdAt: `2024-01-0${age + 1}T00:00:00.000Z`,
      traits: {},
      provenance: [],
      isNew: false,
    });
    if (merged) return;
    state.identifierOwners.set(identifierKey(email(`${name}@x.io`)), name);
    state.sources.set(sourceKey(`crm-${name}`, name), {
      connectionId: `crm-${name}`,
      externalId: name,
      profileId: name,
      updatedAt: '2024-01-01T00:00:00.000Z',
      observedAt: null,
      hash: `hash-${name}`,
      deleted: false,
      traits: { email: `${name}@x.io` },
      identifiers: [email(`${name}@x.io`)],
      traitTimes: null,
      echoedTraits: null,
    });
  });
  return state;
}

/** A record carrying the emails of two profiles (from its own connection): it merges them. */
function linker(first: string, second: string): PreparedRecord {
  return {
    index: 0,
    connectionId: `helpdesk-${first}${second}`,
    externalId: `${first}${second}`,
    updatedAt: '2024-02-01T00:00:00.000Z',
    deleted: false,
    traits: {},
    identifiers: [email(`${first}@x.io`), email(`${second}@x.io`)],
    hash: `link-${first}${second}`,
    raw: {},
  };
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, i) =>
    permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest]),
  );
}

function resolveAndPlan(state: BatchState, records: PreparedRecord[]) {
  let next = 0;
  const resolution = resolveIdentities(records, state, rules, {
    newId: () => `new-${(next += 1)}`,
    now: '2024-03-01T00:00:00.000Z',
    cause: { kind: 'sync' },
  });
  const plan = buildWritePlan({
    state,
    resolution,
    priorities: new Map(),
    cause: { kind: 'sync' },
    storedSourceKeys: new Set(state.sources.keys()),
  });
  return { resolution, plan };
}

describe('resolveIdentities: merges leave no redirect chain', () => {
  it.each(permutations([linker('c', 'd'), linker('b', 'c'), linker('a', 'b')]).map((p) => [p]))(
    'merges within one batch all redirect to the final survivor (order %#)',
    (records) => {
      const state = fourProfiles();
      const { plan } = resolveAndPlan(state, records);

      for (const id of ['b', 'c', 'd']) {
        expect(state.profiles.get(id)).toMatchObject({ status: 'merged', mergedInto: 'a' });
      }
      const written = [...plan.newProfiles, ...plan.updatedProfiles].filter(
        (row) => row.status === 'merged',
      );
      expect(written.map((row) => [row.id, row.mergedInto]).sort()).toEqual([
        ['b', 'a'],
        ['c', 'a'],
        ['d', 'a'],
      ]);
      expect(plan.redirects.every((redirect) => redirect.to === 'a')).toBe(true);
    },
  );

  it('redirects profiles merged by an earlier batch straight to the final survivor', () => {
    // d was merged into c earlier; now c goes into b, then b into a.
    const state = fourProfiles(['d']);
    const { plan } = resolveAndPlan(state, [linker('b', 'c'), linker('a', 'b')]);

    // The database row of d points at c: the redirect from c must land on a, not on b.
    expect(plan.redirects).toEqual(
      expect.arrayContaining([
        { from: 'c', to: 'a' },
        { from: 'b', to: 'a' },
      ]),
    );
    expect(plan.redirects.every((redirect) => redirect.to === 'a')).toBe(true);
    // Each merge is still told as it happened: c into b, then b into a.
    expect(plan.merges.map((m) => [m.survivorId, m.mergedIds])).toEqual([
      ['b', ['c']],
      ['a', ['b']],
    ]);
  });
});

describe('resolveIdentities: the per-connection limit counts live records only', () => {
  /** A record of profile a's own tool (`crm-a`) under a new id, carrying a's email. */
  const successor = (): PreparedRecord => ({
    ...linker('a', 'a'),
    connectionId: 'crm-a',
    externalId: 'a-renumbered',
    identifiers: [email('a@x.io')],
    hash: 'successor',
  });

  it('a record that replaces a deleted one of the same tool joins its profile', () => {
    const state = fourProfiles();
    const held = state.sources.get(sourceKey('crm-a', 'a'))!;
    state.sources.set(sourceKey('crm-a', 'a'), { ...held, deleted: true });
    const { resolution } = resolveAndPlan(state, [successor()]);

    expect(state.sources.get(sourceKey('crm-a', 'a-renumbered'))?.profileId).toBe('a');
    expect(resolution.conflicts).toEqual([]);
  });

  it('one beside a live record of the same tool is still kept apart, and the conflict recorded', () => {
    const state = fourProfiles();
    const { resolution } = resolveAndPlan(state, [successor()]);

    expect(state.sources.get(sourceKey('crm-a', 'a-renumbered'))?.profileId).not.toBe('a');
    expect(resolution.conflicts.map((c) => c.reason)).toEqual(['external-limit']);
  });
});

describe('resolveIdentities: phones shared by a household', () => {
  const phone: Identifier = { type: 'phone', value: '+14155550111' };
  /** Profile a holds the household phone too; Bob's record carries it with his own email. */
  const withHouseholdPhone = () => {
    const state = fourProfiles();
    state.identifierOwners.set(identifierKey(phone), 'a');
    return state;
  };
  const bob: PreparedRecord = {
    ...linker('a', 'a'),
    connectionId: 'crm-a',
    externalId: 'bob',
    identifiers: [email('bob@x.io'), phone],
    hash: 'bob',
  };
  const resolveWith = (state: BatchState, phoneAcrossEmails: boolean) =>
    resolveIdentities(
      [bob],
      state,
      new IdentityRules([], [], DEFAULT_IDENTITY_LIMITS, { phoneAcrossEmails }),
      {
        newId: () => 'new-bob',
        now: '2024-03-01T00:00:00.000Z',
        cause: { kind: 'sync' },
      },
    );

  it("someone sharing the phone of a deleted customer does not take that customer's place", () => {
    const state = withHouseholdPhone();
    const held = state.sources.get(sourceKey('crm-a', 'a'))!;
    state.sources.set(sourceKey('crm-a', 'a'), { ...held, deleted: true });
    const resolution = resolveWith(state, true);

    expect(state.sources.get(sourceKey('crm-a', 'bob'))?.profileId).toBe('new-bob');
    expect(resolution.conflicts.map((c) => c.reason)).toEqual(['external-limit']);
  });

  it('with links.phoneAcrossEmails off, a phone alone never joins a record to a profile of other emails', () => {
    const state = withHouseholdPhone();
    state.sources.delete(sourceKey('crm-a', 'a'));
    const apart = resolveWith(state, false);
    expect(state.sources.get(sourceKey('crm-a', 'bob'))?.profileId).toBe('new-bob');
    expect(apart.conflicts).toEqual([
      expect.objectContaining({
        reason: 'shared-phone',
        profileId: 'new-bob',
        otherProfileIds: ['a'],
        identifierValue: phone.value,
      }),
    ]);

    const linked = withHouseholdPhone();
    linked.sources.delete(sourceKey('crm-a', 'a'));
    resolveWith(linked, true);
    expect(linked.sources.get(sourceKey('crm-a', 'bob'))?.profileId).toBe('a');
  });
});

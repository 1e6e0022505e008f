/**
 * The HubSpot connector through the real runtime (HTTP client, Redis rate budget) against the
 * HubSpot emulator on loopback.
 */
import { randomUUID } from 'node:crypto';
import {
  createHubspotConnector,
  type HubspotConfig,
  type HubspotContact,
  type HubspotCredentials,
} from '../../../connectors/hubspot';
import type { ConnectorContext, ReadRequest, SyncCursor } from '../../../src/connector-sdk';
import { HubspotEmulator, type HubspotEmulatorOptions } from '../../emulators/hubspot';
import { readAllPages, useConnectorRuntime } from '../../support/connector-runtime-harness';

const SEARCH_CAP = 50;
const DAY_AGO = Date.now() - 24 * 60 * 60 * 1000;

const connector = createHubspotConnector({ searchResultCap: SEARCH_CAP });
const harness = useConnectorRuntime(connector);

let emulator: HubspotEmulator;

async function startEmulator(options: HubspotEmulatorOptions = {}): Promise<void> {
  emulator = new HubspotEmulator({
    rateLimit: false,
    searchRateLimit: false,
    searchResultCap: SEARCH_CAP,
    ...options,
  });
  await emulator.start();
}

/** A fresh connection (its own rate budget) on the emulator. */
function context(
  accessToken = 'test-token',
  config: Record<string, unknown> = {},
): ConnectorContext<HubspotConfig, HubspotCredentials> {
  return harness.context({ baseUrl: emulator.baseUrl, ...config }, { accessToken });
}

const readAll = (request: ReadRequest, ctx = context()) => readAllPages(connector, ctx, request);

afterEach(() => emulator?.stop());

describe('HubSpot connector', () => {
  it('check succeeds with a valid token and explains a rejected one', async () => {
    await startEmulator();
    await expect(connector.check!(context())).resolves.toEqual({
      ok: true,
      message: 'Connected to HubSpot',
    });
    await expect(connector.check!(context('wrong-token'))).resolves.toEqual({
      ok: false,
      message: 'HubSpot rejected the access token',
    });
  });

  it('full read yields every contact exactly once, with phone and address mapped', async () => {
    await startEmulator();
    emulator.seedContacts(250, { at: DAY_AGO });

    const { records, cursor } = await readAll({ mode: 'full', cursor: null });

    const ids = records.map((r) => r.id);
    expect(ids).toHaveLength(250);
    expect(new Set(ids).size).toBe(250);
    const listCalls = emulator.requests({ pathPrefix: '/crm/v3/objects/contacts' });
    expect(listCalls).toHaveLength(3);
    expect(String(listCalls[0].query.properties).split(',')).toEqual(
      expect.arrayContaining(['phone', 'email']),
    );

    const mapped = connector.mapIn!(records[7]);
    expect(mapped).toMatchObject({
      externalId: '8',
      updatedAt: new Date(DAY_AGO + 7).toISOString(),
      traits: {
        email: 'contact7@example.com',
        phone: '+15550000007',
        firstName: 'First7',
        lastName: 'Last7',
        jobTitle: null,
        address: { city: 'Paris', country: 'FR', line1: null, region: null, postalCode: null },
      },
    });
    expect(cursor).toMatchObject({ phase: 'search', after: null });
  });

  it('incremental read returns only changed contacts and resumes from any page cursor', async () => {
    await startEmulator();
    emulator.seedContacts(120, { at: DAY_AGO });
    const { cursor: afterFull } = await readAll({ mode: 'full', cursor: null });

    const changedAt = Date.now();
    const changedIds = ['3', '50', '51', '99'];
    changedIds.forEach((id, i) => emulator.updateContact(id, { jobtitle: 'CTO' }, changedAt + i));
    // After the edits, never on their last millisecond: it alone sits on the next anchor.
    const [created] = emulator.seedContacts([{ email: 'new@example.com', phone: '+33100000000' }], {
      at: changedAt + changedIds.length + 10,
    });

    const first = await readAll({ mode: 'incremental', cursor: afterFull });
    expect(first.records.map((r) => r.id).sort()).toEqual([...changedIds, created.id].sort());
    expect(first.records.find((r) => r.id === '3')!.properties.jobtitle).toBe('CTO');

    // Nothing changed since: the next run is empty.
    const second = await readAll({ mode: 'incremental', cursor: first.cursor });
    expect(second.records).toEqual([]);

    // Many changes, read with small pages; stop after one page (a crash) and resume.
    const bulkAt = Date.now() + 1000;
    for (let i = 1; i <= 45; i++)
      emulator.updateContact(String(i), { lastname: `Renamed${i}` }, bulkAt + i);
    const paged = createHubspotConnector({ searchResultCap: SEARCH_CAP, searchPageSize: 20 });
    const iterator = paged.read!(context(), { mode: 'incremental', cursor: second.cursor })[
      Symbol.asyncIterator
    ]();
    const firstPage = (await iterator.next()).value as {
      records: HubspotContact[];
      cursor: SyncCursor;
    };
    await iterator.return?.();
    // 20 results, minus the contact created above: it sits on the anchor and was delivered.
    expect(firstPage.records).toHaveLength(19);

    const resumed: HubspotContact[] = [];
    for await (const page of paged.read!(context(), {
      mode: 'incremental',
      cursor: JSON.parse(JSON.stringify(firstPage.cursor)),
    })) {
      resumed.push(...page.records);
    }
    const all = [...firstPage.records, ...resumed].map((r) => r.id);
    expect(new Set(all).size).toBe(45);
    expect(all).toHaveLength(45);
  });

  it('delivers a contact edited again after the read that left it in skipIds (no look-back)', async () => {
    await startEmulator();
    emulator.seedContacts(5, { at: DAY_AGO });
    const { cursor: afterFull } = await readAll({ mode: 'full', cursor: null });
    const firstEdit = Date.now();
    emulator.updateContact('2', { jobtitle: 'CTO' }, firstEdit);

    const first = await readAll({ mode: 'incremental', cursor: afterFull });
    expect(first.records.map((r) => [r.id, r.properties.jobtitle])).toEqual([['2', 'CTO']]);
    expect(first.cursor).toEqual({
      phase: 'search',
      since: firstEdit,
      after: null,
      skipIds: ['2'],
    });

    // Edited again: the search returns it under a newer lastmodifieddate, a version not yet read.
    emulator.updateContact('2', { jobtitle: 'CEO' }, firstEdit + 1000);
    const second = await readAll({ mode: 'incremental', cursor: first.cursor });
    expect(second.records.map((r) => [r.id, r.properties.jobtitle])).toEqual([['2', 'CEO']]);

    const third = await readAll({ mode: 'incremental', cursor: second.cursor });
    expect(third.records).toEqual([]);
  });

  it('re-anchors the search window so nothing is lost beyond the search result cap', async () => {
    await startEmulator();
    emulator.seedContacts(200, { at: DAY_AGO });
    const start: SyncCursor = { phase: 'search', since: DAY_AGO - 1, after: null, skipIds: [] };

    const { records } = await readAll({ mode: 'incremental', cursor: start });

    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(200);
    expect(ids).toHaveLength(200);
    const searches = emulator.requests({ pathPrefix: '/crm/v3/objects/contacts/search' });
    expect(searches.length).toBeGreaterThanOrEqual(200 / SEARCH_CAP);
    expect(searches.every((r) => r.status === 200)).toBe(true);
  });

  it('pages by offset through many contacts sharing one lastmodifieddate', async () => {
    await startEmulator();
    const sameMs = DAY_AGO;
    const contacts = emulator.seedContacts(30, { at: DAY_AGO - 1000 });
    for (const c of contacts) emulator.updateContact(c.id, { company: 'Same' }, sameMs);
    const paged = createHubspotConnector({ searchResultCap: SEARCH_CAP, searchPageSize: 10 });
    const records: HubspotContact[] = [];
    for await (const page of paged.read!(context(), {
      mode: 'incremental',
      cursor: { phase: 'search', since: sameMs, after: null, skipIds: [] },
    })) {
      records.push(...page.records);
    }
    expect(new Set(records.map((r) => r.id)).size).toBe(30);
    expect(records).toHaveLength(30);
  });

  it("slows down on HubSpot's 429s but completes the read", async () => {
    await startEmulator({ rateLimit: { max: 2, intervalMs: 1000 } });
    emulator.seedContacts(450, { at: DAY_AGO });
    emulator.injectFault({
      status: 429,
      times: 1,
      headers: { 'x-hubspot-ratelimit-interval-milliseconds': '1000' },
      body: {
        status: 'error',
        message: 'You have reached your ten_secondly_rolling limit.',
        errorType: 'RATE_LIMIT',
        policyName: 'TEN_SECONDLY_ROLLING',
        correlationId: randomUUID(),
      },
    });

    const started = Date.now();
    const { records } = await readAll(
      { mode: 'full', cursor: null },
      context('test-token', { requestsPer10Seconds: 1000 }),
    );
    const elapsed = Date.now() - started;

    expect(new Set(records.map((r) => r.id)).size).toBe(450);
    const statuses = emulator.requests().map((r) => r.status);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(2);
    expect(statuses.filter((s) => s === 200)).toHaveLength(5);
    expect(elapsed).toBeGreaterThanOrEqual(1000);
    const limited = emulator.requests().find((r) => r.status === 429 && !r.faulted);
    expect(limited).toBeDefined();
  });

  it('fetches contacts by id through batch read, skipping unknown ids', async () => {
    await startEmulator();
    emulator.seedContacts(5, { at: DAY_AGO });
    const contacts = await connector.fetch!(context(), ['2', '4', '999']);
    expect(contacts.map((c) => c.id).sort()).toEqual(['2', '4']);
    expect(contacts[0].properties).toHaveProperty('phone');
  });

  it('maps archived contacts as deleted and empty strings as null', () => {
    expect(
      connector.mapIn!({
        id: '9',
        properties: {
          email: ' ',
          phone: null,
          lastmodifieddate: '2025-01-01T00:00:00Z',
          country: 'Atlantis',
        },
        updatedAt: '2025-01-02T00:00:00.000Z',
        archived: true,
      }),
    ).toEqual({
      externalId: '9',
      updatedAt: '2025-01-02T00:00:00.000Z',
      deleted: true,
      traits: { email: null, phone: null, custom: { hubspot: { country: 'Atlantis' } } },
    });
  });
});

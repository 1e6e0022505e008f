/**
 * The mass-deletion guard of full syncs, end to end against the HubSpot emulator: a full read
 * that comes back empty or cut short (a token that lost a scope but still gets 200, a vendor
 * answering empty pages) must not mark the connection's records deleted, close their profiles
 * and push the deletions out. Defaults apply: SYNC_MAX_DELETE_FRACTION=0.5,
 * SYNC_DELETE_GUARD_MIN_RECORDS=10.
 */
import { app, env, hubspot, useHubspotSyncApp } from '../support/hubspot-sync-app';
import { createHubspotConnection, triggerSync, waitForRun } from '../support/sync-api';

const DAY_AGO = Date.now() - 24 * 3600 * 1000;
const CONTACTS_PATH = '/crm/v3/objects/contacts';

useHubspotSyncApp({ JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' });

/** A connection whose `contacts` records were all ingested by a first full sync. */
async function syncedConnection(contacts: number): Promise<string> {
  hubspot.seedContacts(contacts, { at: DAY_AGO });
  const connectionId = await createHubspotConnection(app, hubspot.baseUrl);
  const first = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
  expect(first).toMatchObject({ status: 'succeeded' });
  expect(first.progress.ingested).toBe(contacts);
  return connectionId;
}

/** The list endpoint answers 200 with no records, once: what a token without the scope sees. */
function answerEmptyList(): void {
  hubspot.injectFault({
    method: 'GET',
    pathPrefix: CONTACTS_PATH,
    status: 200,
    body: { results: [] },
  });
}

async function held(connectionId: string): Promise<{ live: number; deleted: number }> {
  const [row] = await env.sql<{ live: string; deleted: string }>(
    `SELECT count(*) FILTER (WHERE NOT deleted) AS live, count(*) FILTER (WHERE deleted) AS deleted
     FROM source_record WHERE connection_id = $1`,
    [connectionId],
  );
  return { live: Number(row.live), deleted: Number(row.deleted) };
}

async function closedProfiles(connectionId: string): Promise<number> {
  const [row] = await env.sql<{ count: string }>(
    `SELECT count(*) FROM profile p JOIN source_record s ON s.profile_id = p.id
     WHERE s.connection_id = $1 AND p.status = 'closed'`,
    [connectionId],
  );
  return Number(row.count);
}

describe('full sync mass-deletion guard', () => {
  it('a full read that comes back empty deletes nothing, fails at once and says why', async () => {
    const connectionId = await syncedConnection(40);
    answerEmptyList();

    const blocked = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(blocked).toMatchObject({ status: 'failed', attempts: 1 });
    expect(blocked.progress).toMatchObject({ recordsRead: 0, deletionsQueued: 0 });
    expect(blocked.error).toContain('40 of the 40 records held for this connection (100%)');
    expect(blocked.error).toContain('SYNC_MAX_DELETE_FRACTION=0.5');
    expect(blocked.error).toContain('"allowMassDeletion":true');
    expect(await held(connectionId)).toEqual({ live: 40, deleted: 0 });
    expect(await closedProfiles(connectionId)).toBe(0);
    // Nothing for an admin to replay: retrying would find the same records missing.
    const letters = await app.request('GET', `/v1/dead-letters?connectionId=${connectionId}`);
    expect((letters.body as { data: unknown[] }).data).toEqual([]);

    // The connection is free, and once the vendor answers again a full sync deletes nothing.
    const next = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(next).toMatchObject({ status: 'succeeded' });
    expect(next.progress).toMatchObject({ recordsRead: 40, deletionsQueued: 0 });
  });

  it('blocks a read cut short, and deletes once the admin allows it', async () => {
    const connectionId = await syncedConnection(40);
    for (let id = 16; id <= 40; id += 1) hubspot.archiveContact(String(id));

    const blocked = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(blocked.status).toBe('failed');
    expect(blocked.error).toContain('25 of the 40 records held for this connection (63%)');
    expect(await held(connectionId)).toEqual({ live: 40, deleted: 0 });

    const allowedId = await triggerSync(app, connectionId, {
      mode: 'full',
      allowMassDeletion: true,
    });
    const allowed = await waitForRun(app, allowedId);
    expect(allowed).toMatchObject({ status: 'succeeded', allowMassDeletion: true, error: null });
    expect(allowed.progress.deletionsQueued).toBe(25);
    expect(await held(connectionId)).toEqual({ live: 15, deleted: 25 });
    expect(await closedProfiles(connectionId)).toBe(25);
  });

  it('a full sync deleting under the share still deletes', async () => {
    const connectionId = await syncedConnection(40);
    for (let id = 1; id <= 15; id += 1) hubspot.archiveContact(String(id));

    const run = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(run).toMatchObject({ status: 'succeeded', allowMassDeletion: false, error: null });
    expect(run.progress.deletionsQueued).toBe(15);
    expect(await held(connectionId)).toEqual({ live: 25, deleted: 15 });
  });

  it('leaves small deletions alone, whatever their share: a test connection emptied still syncs', async () => {
    const connectionId = await syncedConnection(8);
    answerEmptyList();

    const run = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(run).toMatchObject({ status: 'succeeded', error: null });
    expect(run.progress.deletionsQueued).toBe(8);
    expect(await held(connectionId)).toEqual({ live: 0, deleted: 8 });
  });

  it('answers 400 naming allowMassDeletion when it is not a boolean or the sync is not full', async () => {
    hubspot.seedContacts(1, { at: DAY_AGO });
    const connectionId = await createHubspotConnection(app, hubspot.baseUrl);
    const path = `/v1/connections/${connectionId}/syncs`;

    const notBoolean = await app.request('POST', path, {
      body: { mode: 'full', allowMassDeletion: 'yes' },
    });
    expect(notBoolean.status).toBe(400);
    expect(notBoolean.body).toMatchObject({
      message: expect.stringContaining('allowMassDeletion'),
    });

    for (const body of [
      { allowMassDeletion: true },
      { mode: 'incremental', allowMassDeletion: true },
    ]) {
      const incremental = await app.request('POST', path, { body });
      expect(incremental.status).toBe(400);
      expect(incremental.body).toMatchObject({
        message: expect.stringMatching(/^allowMassDeletion: .*mode "full"/),
      });
    }
    const runs = await app.request('GET', `/v1/connections/${connectionId}/syncs`);
    expect((runs.body as { data: unknown[] }).data).toEqual([]);
  });
});

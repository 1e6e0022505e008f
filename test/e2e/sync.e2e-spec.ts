/**
 * Sync runs end to end: the real app (API + worker in one process) against the HubSpot
 * emulator over HTTP, with real PostgreSQL and Redis.
 */
import { app, env, hubspot, replaceHubspot, useHubspotSyncApp } from '../support/hubspot-sync-app';
import { createHubspotConnection, getRun, triggerSync, waitForRun } from '../support/sync-api';
import { waitUntil } from '../support/wait-for';

const DAY_AGO = Date.now() - 24 * 3600 * 1000;

useHubspotSyncApp({ JOB_ATTEMPTS: '3', JOB_BACKOFF_MS: '50' });

async function count(sql: string, params: unknown[] = []): Promise<number> {
  const [row] = await env.sql<{ count: string }>(sql, params);
  return Number(row.count);
}

describe('sync runs', () => {
  it('a full then an incremental sync ingest every record exactly once', async () => {
    hubspot.seedContacts(230, { at: DAY_AGO });
    const connectionId = await createHubspotConnection(app, hubspot.baseUrl);

    const syncFrom = new Date();
    const full = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(full).toMatchObject({ status: 'succeeded', errors: [] });
    expect(full.progress).toMatchObject({ pages: 3, recordsRead: 230, ingested: 230, failed: 0 });
    expect(
      await count('SELECT count(*) FROM source_record WHERE connection_id = $1', [connectionId]),
    ).toBe(230);
    // Each version is held with when its page was read: what orders same-second versions.
    expect(
      await count(
        `SELECT count(*) FROM source_record
          WHERE connection_id = $1 AND observed_at BETWEEN $2 AND now()`,
        [connectionId, syncFrom],
      ),
    ).toBe(230);
    expect(await count(`SELECT count(*) FROM profile WHERE status = 'active'`)).toBe(230);

    hubspot.updateContact('5', { jobtitle: 'Chief Listener' });
    hubspot.updateContact('150', { firstname: 'Renamed' });
    const incremental = await waitForRun(
      app,
      await triggerSync(app, connectionId, { mode: 'incremental', lookBackSeconds: 0 }),
    );
    expect(incremental.status).toBe('succeeded');
    expect(incremental.progress.ingested).toBe(2);
    // Nothing ingested twice: one source record and one profile per contact.
    expect(
      await count('SELECT count(*) FROM source_record WHERE connection_id = $1', [connectionId]),
    ).toBe(230);
    expect(await count(`SELECT count(*) FROM profile WHERE status = 'active'`)).toBe(230);
    const [renamed] = await env.sql<{ traits: { firstName: string } }>(
      `SELECT p.traits FROM profile p JOIN source_record s ON s.profile_id = p.id
       WHERE s.connection_id = $1 AND s.external_id = '150'`,
      [connectionId],
    );
    expect(renamed.traits.firstName).toBe('Renamed');
    const created = await count(`SELECT count(*) FROM profile_change WHERE kind = 'created'`);
    expect(created).toBe(230);
  });

  it('does not miss a record updated while a full sync was reading', async () => {
    hubspot.seedContacts(300, { at: DAY_AGO });
    const connectionId = await createHubspotConnection(app, hubspot.baseUrl);
    hubspot.injectFault({ delayMs: 300, pathPrefix: '/crm/v3/objects/contacts', times: 3 });

    const runId = await triggerSync(app, connectionId, { mode: 'full' });
    await waitForRun(app, runId, (run) => run.progress.pages >= 1);
    // Contact 2 was on the first page, already read: only the next incremental sync can see this.
    hubspot.updateContact('2', { jobtitle: 'Changed mid-sync' });
    expect((await waitForRun(app, runId)).status).toBe('succeeded');

    const incremental = await waitForRun(
      app,
      await triggerSync(app, connectionId, { mode: 'incremental' }),
    );
    expect(incremental.status).toBe('succeeded');
    const [contact] = await env.sql<{ traits: { jobTitle?: string } }>(
      `SELECT traits FROM source_record WHERE connection_id = $1 AND external_id = '2'`,
      [connectionId],
    );
    expect(contact.traits.jobTitle).toBe('Changed mid-sync');
  });

  it('answers 409 with the running sync while one runs, and cancels it between pages', async () => {
    hubspot.seedContacts(2000, { at: DAY_AGO });
    const connectionId = await createHubspotConnection(app, hubspot.baseUrl);
    hubspot.injectFault({ delayMs: 250, pathPrefix: '/crm/v3/objects/contacts', times: 20 });

    const runId = await triggerSync(app, connectionId, { mode: 'full' });
    const second = await app.request('POST', `/v1/connections/${connectionId}/syncs`, {
      body: { mode: 'incremental' },
    });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ statusCode: 409, syncId: runId });

    await waitForRun(app, runId, (run) => run.progress.pages >= 1);
    const cancel = await app.request('POST', `/v1/syncs/${runId}/cancel`);
    expect(cancel.status).toBe(202);
    const cancelled = await waitForRun(app, runId);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.progress.pages).toBeLessThan(20);

    // The connection is free again, and the next run continues from the saved cursor.
    hubspot.clearFaults();
    const next = await waitForRun(
      app,
      await triggerSync(app, connectionId, { mode: 'incremental' }),
    );
    expect(next.status).toBe('succeeded');
    expect(
      await count('SELECT count(*) FROM source_record WHERE connection_id = $1', [connectionId]),
    ).toBe(2000);
  });

  it('a full sync marks records the vendor no longer returns as deleted', async () => {
    hubspot.seedContacts(40, { at: DAY_AGO });
    const connectionId = await createHubspotConnection(app, hubspot.baseUrl);
    expect((await waitForRun(app, await triggerSync(app, connectionId))).status).toBe('succeeded');

    hubspot.archiveContact('3');
    const second = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(second.status).toBe('succeeded');
    expect(second.progress.deletionsQueued).toBe(1);
    const rows = await env.sql<{ external_id: string; status: string }>(
      `SELECT s.external_id, p.status FROM source_record s JOIN profile p ON p.id = s.profile_id
       WHERE s.connection_id = $1 AND s.deleted`,
      [connectionId],
    );
    expect(rows).toEqual([{ external_id: '3', status: 'closed' }]);
  });

  it("slows down on the vendor's 429s without failing", async () => {
    await replaceHubspot({ rateLimit: { max: 4, intervalMs: 1000 }, searchRateLimit: false });
    hubspot.seedContacts(1200, { at: DAY_AGO });
    const connectionId = await createHubspotConnection(app, hubspot.baseUrl);

    const run = await waitForRun(app, await triggerSync(app, connectionId, { mode: 'full' }));
    expect(run).toMatchObject({ status: 'succeeded', attempts: 1, error: null });
    expect(run.progress.ingested).toBe(1200);
    const limited = hubspot.requests().filter((request) => request.status === 429);
    expect(limited.length).toBeGreaterThan(0);
  });

  it('a poisoned record fails alone, ends in the dead letters, and replays once fixed', async () => {
    hubspot.seedContacts(120, { at: DAY_AGO });
    const connectionId = await createHubspotConnection(app, hubspot.baseUrl);
    // Stands in for any data the database refuses (a constraint, a trigger, a bad value).
    await env.sql(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.external_id = '7' THEN RAISE EXCEPTION 'record 7 is poisoned'; END IF;
        RETURN NEW;
      END $$`);
    await env.sql(`CREATE TRIGGER refuse_poison BEFORE INSERT OR UPDATE ON source_record
                   FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);

    const runId = await triggerSync(app, connectionId, { mode: 'full' });
    const run = await waitForRun(app, runId, undefined, 60_000);
    expect(run.status).toBe('succeeded');
    expect(run.progress.ingested).toBe(119);
    expect(run.errors).toEqual([
      { externalId: '7', reason: expect.stringContaining('record 7 is poisoned') },
    ]);

    const letters = await app.request('GET', `/v1/dead-letters?connectionId=${connectionId}`);
    expect(letters.status).toBe(200);
    const data = (
      letters.body as {
        data: { id: string; queue: string; records: number; syncRunId: string; error: string }[];
      }
    ).data;
    expect(data).toHaveLength(1);
    expect(data[0]).toMatchObject({ queue: 'ingest', records: 1, syncRunId: runId });
    expect(data[0].error).toContain('record 7 is poisoned');

    await env.sql(`DROP TRIGGER refuse_poison ON source_record`);
    const replay = await app.request('POST', `/v1/dead-letters/${data[0].id}/replay`);
    expect(replay.status).toBe(202);
    await waitUntil(
      async () =>
        (await count(
          `SELECT count(*) FROM source_record WHERE connection_id = $1 AND external_id = '7'`,
          [connectionId],
        )) === 1,
    );
    const again = await app.request('POST', `/v1/dead-letters/${data[0].id}/replay`);
    expect(again.status).toBe(409);
    const pending = await app.request('GET', `/v1/dead-letters?connectionId=${connectionId}`);
    expect((pending.body as { data: unknown[] }).data).toHaveLength(0);
    expect((await getRun(app, runId)).status).toBe('succeeded');
  });
});

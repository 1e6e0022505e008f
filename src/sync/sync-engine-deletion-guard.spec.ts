import { buildSyncEngine } from '../../test/factories/sync-engine.factory';
import { exceedsDeletionGuard, MassDeletionBlockedError } from './deletion-guard';
import { buildSyncRun } from '../../test/factories/sync-run.factory';

const fullRun = buildSyncRun;

const LIMITS = { maxDeleteFraction: 0.5, deleteGuardMinRecords: 10 };

/**
 * An engine over a connector that returns `returned` records, for a connection holding
 * `heldNow` live records of which `vanished` were not returned.
 */
function engineWith(options: { returned: number; heldNow: number; vanished: number }) {
  const steps: string[] = [];
  const connector = {
    manifest: { name: 'fixture', displayName: 'Fixture', capabilities: ['deletes'] },
    async *read() {
      steps.push('read');
      const records = Array.from({ length: options.returned }, (_, i) => ({ id: `r${i}` }));
      yield { records, cursor: { done: true } };
    },
    mapIn: (raw: { id: string }) => ({
      externalId: raw.id,
      updatedAt: '2026-01-01T00:00:00.000Z',
      traits: {},
    }),
  };
  const runs = {
    checkpoint: jest.fn(async () => ({ cancelRequested: false })),
    markPagesRead: jest.fn(async () => 'marked'),
    recordHeldRecords: jest.fn(async (_runId: string, held: number) => {
      steps.push(`held ${held}`);
      return held;
    }),
    finishReading: jest.fn(async () => void steps.push('finish reading')),
    completeDrained: jest.fn(async () => []),
  };
  let served = false;
  const vanished = {
    countHeld: jest.fn(async () => options.heldNow),
    count: jest.fn(async () => options.vanished),
    page: jest.fn(async () => {
      if (served) return [];
      served = true;
      steps.push('queue deletions');
      return Array.from({ length: options.vanished }, (_, i) => ({
        externalId: `gone${i}`,
        vendorUpdatedAt: new Date(),
      }));
    }),
    forgetSeen: jest.fn(async () => undefined),
  };
  const engine = buildSyncEngine({ connector, runs, vanished, sync: LIMITS });
  return { engine, steps, runs, vanished };
}

const signal = new AbortController().signal;

describe('exceedsDeletionGuard', () => {
  const limits = { maxFraction: 0.5, minRecords: 10 };

  it.each([
    [{ vanished: 100, held: 100 }, true],
    [{ vanished: 51, held: 100 }, true],
    [{ vanished: 50, held: 100 }, false],
    [{ vanished: 10, held: 10 }, false],
    [{ vanished: 11, held: 11 }, true],
    [{ vanished: 0, held: 0 }, false],
  ])('%o → %s', (plan, blocked) => {
    expect(exceedsDeletionGuard(plan, limits)).toBe(blocked);
  });

  it('is off at a share of 1', () => {
    expect(
      exceedsDeletionGuard({ vanished: 500, held: 500 }, { maxFraction: 1, minRecords: 0 }),
    ).toBe(false);
  });
});

describe('SyncEngine: mass-deletion guard', () => {
  it('counts the held records before reading, then refuses to queue deletions past the share', async () => {
    const { engine, steps } = engineWith({ returned: 0, heldNow: 40, vanished: 40 });
    const failure = engine.run(fullRun(), signal);
    await expect(failure).rejects.toBeInstanceOf(MassDeletionBlockedError);
    await expect(failure).rejects.toMatchObject({
      message: expect.stringContaining('40 of the 40 records held'),
      plan: { vanished: 40, held: 40 },
    });
    expect(steps).toEqual(['held 40', 'read']);
  });

  it('queues the deletions of a run the admin allowed, without counting', async () => {
    const { engine, steps, vanished } = engineWith({ returned: 0, heldNow: 40, vanished: 40 });
    await engine.run(fullRun({ allowMassDeletion: true }), signal);
    expect(steps).toEqual(['read', 'queue deletions', 'finish reading']);
    expect(vanished.count).not.toHaveBeenCalled();
  });

  it('measures a resumed run against the snapshot its first attempt took, not a new count', async () => {
    // 40 held when the read started; 25 of them were seen and re-ingested since, so a count
    // now of records held from before the read would be 15, all of them missing (100%).
    const { engine, steps, vanished } = engineWith({ returned: 0, heldNow: 15, vanished: 15 });
    const resumed = fullRun({ heldRecords: 40, pagesReadAt: new Date(), attempts: 2 });
    await engine.run({ ...resumed, progress: { ...resumed.progress, pages: 3 } }, signal);
    expect(vanished.countHeld).not.toHaveBeenCalled();
    expect(steps).toEqual(['queue deletions', 'finish reading']);
  });

  it('blocks a resumed run alike: nothing queued on any attempt', async () => {
    const { engine, steps } = engineWith({ returned: 0, heldNow: 40, vanished: 40 });
    const resumed = fullRun({ heldRecords: 40, pagesReadAt: new Date(), attempts: 2 });
    await expect(
      engine.run({ ...resumed, progress: { ...resumed.progress, pages: 1 } }, signal),
    ).rejects.toBeInstanceOf(MassDeletionBlockedError);
    expect(steps).toEqual([]);
  });

  it('goes on with the deletions an earlier attempt had begun to queue', async () => {
    const { engine, steps, vanished } = engineWith({ returned: 0, heldNow: 40, vanished: 30 });
    const resumed = fullRun({ heldRecords: 40, pagesReadAt: new Date(), attempts: 2 });
    await engine.run(
      { ...resumed, progress: { ...resumed.progress, pages: 1, deletionsQueued: 5000 } },
      signal,
    );
    expect(vanished.count).not.toHaveBeenCalled();
    expect(steps).toEqual(['queue deletions', 'finish reading']);
  });
});

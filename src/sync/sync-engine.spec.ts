import { buildSyncEngine } from '../../test/factories/sync-engine.factory';
import { SyncSupersededError } from './sync-engine';
import type { SyncRun } from './sync-run';
import { buildSyncRun } from '../../test/factories/sync-run.factory';

/** A full run resumed once (its second attempt). */
const fullRun = (overrides: Partial<SyncRun> = {}) => buildSyncRun({ attempts: 2, ...overrides });

/** The engine over fakes that record, in order, every step that has an effect. */
function engineWith(pages: { id: string }[][]) {
  const steps: string[] = [];
  const read = jest.fn(async function* () {
    for (const [index, records] of pages.entries()) {
      steps.push(`read page ${index + 1}`);
      yield { records, cursor: { after: index + 1 } };
    }
  });
  const connector = {
    manifest: { name: 'fixture', displayName: 'Fixture', capabilities: ['deletes'] },
    read,
    mapIn: (raw: { id: string }) => ({
      externalId: raw.id,
      updatedAt: '2026-01-01T00:00:00.000Z',
      traits: {},
    }),
  };
  const runs = {
    checkpoint: jest.fn(async (_run: unknown, pagesBefore: number) => {
      steps.push(`checkpoint after page ${pagesBefore}`);
      return { cancelRequested: false };
    }),
    markPagesRead: jest.fn(
      async (_run: unknown, pages: number): Promise<'marked' | 'superseded'> => {
        steps.push(`pages read: ${pages}`);
        return 'marked';
      },
    ),
    recordHeldRecords: jest.fn(async (_runId: string, held: number) => held),
    finishReading: jest.fn(async () => void steps.push('finish reading')),
    completeDrained: jest.fn(async () => {
      steps.push('complete when drained');
      return [];
    }),
  };
  const vanished = {
    page: jest.fn(async (_c: string, _r: string, _at: Date, after: string) => {
      steps.push('look for vanished records');
      return after === '' ? [{ externalId: 'gone', vendorUpdatedAt: new Date() }] : [];
    }),
    // One of two held records vanished: under the mass-deletion guard's minimum.
    count: jest.fn(async () => 1),
    countHeld: jest.fn(async () => 2),
    forgetSeen: jest.fn(async () => void steps.push('forget seen ids')),
  };
  const queue = { addBulk: jest.fn(async () => []) };
  const engine = buildSyncEngine({ connector, runs, vanished, queue });
  return { engine, steps, read, runs, queue };
}

const signal = new AbortController().signal;

/** What follows the last of two pages: one page of vanished records, then the end. */
const AFTER_TWO_PAGES = [
  'look for vanished records',
  'checkpoint after page 2',
  'look for vanished records',
  'finish reading',
  'forget seen ids',
  'complete when drained',
];

describe('SyncEngine.run', () => {
  it('reads every page, records the end of reading, then queues deletions and forgets the seen ids', async () => {
    const { engine, steps } = engineWith([[{ id: 'a' }], [{ id: 'b' }]]);
    await engine.run(fullRun(), signal);
    expect(steps).toEqual([
      'read page 1',
      'checkpoint after page 0',
      'read page 2',
      'checkpoint after page 1',
      'pages read: 2',
      ...AFTER_TWO_PAGES,
    ]);
  });

  it('does not read again when resumed after its last page: it queues the deletions it had not', async () => {
    const { engine, steps, read, queue } = engineWith([[{ id: 'a' }], [{ id: 'b' }]]);
    const resumed = fullRun({ pagesReadAt: new Date(), cursor: { after: 2 } });
    await engine.run({ ...resumed, progress: { ...resumed.progress, pages: 2 } }, signal);
    expect(read).not.toHaveBeenCalled();
    expect(steps).toEqual(AFTER_TWO_PAGES);
    // Only the deletion batch was queued.
    expect(queue.addBulk).toHaveBeenCalledTimes(1);
  });

  it('neither reads nor looks for deletions again once reading finished (the seen ids may be gone)', async () => {
    const { engine, steps, read } = engineWith([[{ id: 'a' }]]);
    const finished = fullRun({ pagesReadAt: new Date(), readFinishedAt: new Date() });
    await engine.run({ ...finished, progress: { ...finished.progress, pages: 1 } }, signal);
    expect(read).not.toHaveBeenCalled();
    expect(steps).toEqual(['forget seen ids', 'complete when drained']);
  });

  it('stops without a mark when another execution of the run moved it on', async () => {
    const { engine, runs, steps } = engineWith([[{ id: 'a' }]]);
    runs.markPagesRead.mockResolvedValueOnce('superseded');
    await expect(engine.run(fullRun(), signal)).rejects.toBeInstanceOf(SyncSupersededError);
    expect(steps).not.toContain('finish reading');
  });
});

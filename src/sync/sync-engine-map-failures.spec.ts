import { buildSyncEngine } from '../../test/factories/sync-engine.factory';
import type { NewDeadLetter } from '../dead-letters/dead-letter';
import { mapPage } from './sync-engine';
import { buildSyncRun } from '../../test/factories/sync-run.factory';

type Raw = { id: string; bad?: boolean };

const run = buildSyncRun({ mode: 'incremental' });

/**
 * An engine whose connector serves `reads[n]` as the single page of its n-th read, whose first
 * checkpoint fails (the worker died after queueing the page), and whose dead-letter store keeps
 * one letter per job id, as the table does.
 */
function engineOver(reads: Raw[][]) {
  let readCount = 0;
  const connector = {
    manifest: { name: 'fixture', displayName: 'Fixture', capabilities: [] },
    async *read() {
      yield { records: reads[readCount++], cursor: { page: 1 } };
    },
    mapIn(raw: Raw) {
      if (raw.bad) throw new Error(`cannot map ${raw.id}`);
      return { externalId: raw.id, updatedAt: '2026-01-01T00:00:00.000Z', traits: {} };
    },
  };
  const checkpoint = jest
    .fn()
    .mockRejectedValueOnce(new Error('worker killed'))
    .mockResolvedValue({ cancelRequested: false });
  const letters = new Map<string, NewDeadLetter>();
  const engine = buildSyncEngine({
    connector,
    runs: {
      checkpoint,
      recordErrors: async () => undefined,
      markPagesRead: async () => 'marked',
      finishReading: async () => undefined,
      completeDrained: async () => [],
    },
    deadLetters: {
      record: async (letter: NewDeadLetter) => {
        if (!letters.has(letter.jobId!)) letters.set(letter.jobId!, letter);
      },
    },
  });
  const deadLettered = () =>
    [...letters.values()].flatMap((letter) =>
      (letter.data as { records: Raw[] }).records.map((raw) => raw.id),
    );
  return { engine, deadLettered };
}

const signal = new AbortController().signal;

describe('SyncEngine: records mapIn refuses, on a page read again after a crash', () => {
  it('dead-letters every one, including those that failed only on the second read', async () => {
    const { engine, deadLettered } = engineOver([
      [{ id: 'a' }, { id: 'x', bad: true }],
      [
        { id: 'a', bad: true },
        { id: 'x', bad: true },
      ],
    ]);
    await expect(engine.run(run, signal)).rejects.toThrow('worker killed');
    await engine.run(run, signal);
    expect(deadLettered().sort()).toEqual(['a', 'x', 'x']);
  });

  it('stores the same failures met again only once', async () => {
    const failing = [{ id: 'a' }, { id: 'x', bad: true }];
    const { engine, deadLettered } = engineOver([failing, failing]);
    await expect(engine.run(run, signal)).rejects.toThrow('worker killed');
    await engine.run(run, signal);
    expect(deadLettered()).toEqual(['x']);
  });
});

describe('mapPage', () => {
  it('fails alone a record whose custom traits use another connector’s namespace', () => {
    const connector = {
      manifest: { name: 'hubspot' },
      mapIn: (raw: Raw) => ({
        externalId: raw.id,
        updatedAt: '2026-01-01T00:00:00.000Z',
        traits: { custom: raw.bad ? { shopify: { state: 'x' } } : { hubspot: { stage: 'y' } } },
      }),
    } as unknown as Parameters<typeof mapPage>[1];

    const { items, failures } = mapPage(run.connectionId, connector, [
      { id: 'good' },
      { id: 'bad', bad: true },
    ]);

    expect(items.map((item) => item.record.externalId)).toEqual(['good']);
    expect(failures).toEqual([
      {
        raw: { id: 'bad', bad: true },
        error: {
          externalId: 'bad',
          reason:
            'mapIn failed: mapIn wrote custom.shopify; connector hubspot may write only custom.hubspot',
        },
      },
    ]);
  });
});

/**
 * One ingest worker process of `npm run bench -- ingest`: takes every `processes`-th
 * production batch of the synthetic record stream, starting at batch `processIndex`, and feeds
 * it to its own ProfileStore with `concurrency` batches in flight, as one worker process runs
 * ingest jobs. The bench forks it once per process and talks to it over IPC: it says `ready`
 * once its store is connected, starts on any message, reports progress, and ends with `done`
 * and its own peak RSS.
 */
import { INGEST_BATCH_SIZE } from '../src/profiles/ingest/ingest-job';
import { createBenchStore, peakRssTracker, syntheticRecord } from './ingest-support';

export interface IngestSlice {
  url: string;
  records: number;
  concurrency: number;
  processIndex: number;
  processes: number;
}

export type WorkerMessage =
  | { type: 'ready' }
  | { type: 'progress'; records: number }
  | { type: 'done'; records: number; peakRssMb: number };

/** Connects a store for the slice; `run` ingests it, reporting each finished batch. */
async function prepareSlice(slice: IngestSlice) {
  const { store, dataSource } = await createBenchStore(slice.url, slice.concurrency + 1);
  const batches = Math.ceil(slice.records / INGEST_BATCH_SIZE);
  return {
    async run(onBatch: (records: number) => void): Promise<void> {
      let next = slice.processIndex;
      await Promise.all(
        Array.from({ length: slice.concurrency }, async () => {
          for (let batch = next; batch < batches; batch = next) {
            next += slice.processes;
            const from = batch * INGEST_BATCH_SIZE;
            const to = Math.min(slice.records, from + INGEST_BATCH_SIZE);
            const items = Array.from({ length: to - from }, (_, k) => syntheticRecord(from + k));
            await store.ingest(items, { kind: 'sync', syncRunId: 'bench' });
            onBatch(items.length);
          }
        }),
      );
    },
    close: () => dataSource.destroy(),
  };
}

async function main(): Promise<void> {
  const slice = JSON.parse(process.argv[2]) as IngestSlice;
  const send = (message: WorkerMessage) => process.send?.(message);
  const rss = peakRssTracker();
  const prepared = await prepareSlice(slice);
  process.once('message', async () => {
    let done = 0;
    let reported = 0;
    await prepared.run((records) => {
      done += records;
      if (done - reported >= 10_000) {
        send({ type: 'progress', records: done - reported });
        reported = done;
      }
    });
    await prepared.close();
    send({ type: 'done', records: done - reported, peakRssMb: rss.stop() });
    process.disconnect();
  });
  send({ type: 'ready' });
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

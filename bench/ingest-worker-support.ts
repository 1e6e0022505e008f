/**
 * One ingest worker process of `npm run bench -- ingest`: takes every `processes`-th
 * production batch of the synthetic record stream, starting at batch `processIndex`, and feeds
 * it to its own ProfileStore with `concurrency` batches in flight, as one worker process runs
 * ingest jobs. The bench forks it once per process and talks to it over IPC: it says `ready`
 * once its store is connected, starts on any message, reports progress, and ends with `done`
 * and its own peak RSS.
 */
import { PerformanceEntry, PerformanceObserver, constants } from 'node:perf_hooks';
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
  | { type: 'done'; records: number; peakRssMb: number; cpu: CpuSpent };

/** What a worker process spent while ingesting: its CPU time, and the part V8's GC took. */
export interface CpuSpent {
  cpuMs: number;
  /** Young-generation collections (scavenges), which copy every object still alive. */
  scavengeMs: number;
  /** Every other collection (mark-compact, incremental marking, weak callbacks). */
  otherGcMs: number;
}

/**
 * Starts counting CPU and GC time. GC pauses run on the main thread here (the workers'
 * `--single-threaded-gc`), so they are part of the process's CPU time.
 */
function cpuMeter(): { stop(): CpuSpent } {
  const start = process.cpuUsage();
  const spent = { scavengeMs: 0, otherGcMs: 0 };
  const tally = (entries: PerformanceEntry[]) => {
    for (const entry of entries) {
      // Node ≥ 16 puts a GC entry's kind in `detail` (the types only declare it for marks).
      const kind = (entry as { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) spent.scavengeMs += entry.duration;
      else spent.otherGcMs += entry.duration;
    }
  };
  const observer = new PerformanceObserver((list) => tally(list.getEntries()));
  observer.observe({ entryTypes: ['gc'] });
  return {
    stop: () => {
      // Entries are delivered asynchronously: count the ones not delivered yet too.
      tally(observer.takeRecords());
      observer.disconnect();
      const cpu = process.cpuUsage(start);
      return {
        cpuMs: Math.round((cpu.user + cpu.system) / 1000),
        scavengeMs: Math.round(spent.scavengeMs),
        otherGcMs: Math.round(spent.otherGcMs),
      };
    },
  };
}

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
    const cpu = cpuMeter();
    let done = 0;
    let reported = 0;
    await prepared.run((records) => {
      done += records;
      if (done - reported >= 10_000) {
        send({ type: 'progress', records: done - reported });
        reported = done;
      }
    });
    const spent = cpu.stop();
    await prepared.close();
    send({ type: 'done', records: done - reported, peakRssMb: rss.stop(), cpu: spent });
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

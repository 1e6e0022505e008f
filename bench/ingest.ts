/**
 * `npm run bench -- ingest [--records N] [--processes P] [--concurrency C] [--keep]`
 *
 * Ingests N synthetic records through ProfileStore.ingest in production-size batches
 * (INGEST_BATCH_SIZE): P worker processes (default: one per core, as a deployment runs
 * them), started with the worker's Node flags, each with C batches in flight (default
 * INGEST_CONCURRENCY, as one worker runs ingest jobs). Then loads the same records with plain
 * PostgreSQL COPY into one table on the same server (three times: the median counts), and
 * prints both rates and their ratio, and the workers' CPU per record with the garbage
 * collector's share of it.
 * Last line: {"bench":"ingest","records":N,"recordsPerSecond":…,"copyRowsPerSecond":…,"copyRatio":…,"peakRssMb":…}
 */
import { ChildProcess, fork, spawn } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { WORKER_NODE_FLAGS } from '../src/app/worker-node-flags';
import { INGEST_BATCH_SIZE, INGEST_CONCURRENCY } from '../src/profiles/ingest/ingest-job';
import { createBenchDatabase, flag, peakRssTracker, syntheticRecord } from './ingest-support';
import { CpuSpent, IngestSlice, WorkerMessage } from './ingest-worker-support';

export async function run(args: string[]): Promise<void> {
  const records = Number(flag(args, 'records', '1000000'));
  const concurrency = Number(flag(args, 'concurrency', String(INGEST_CONCURRENCY)));
  const keep = args.includes('--keep');
  const processes = Number(flag(args, 'processes', String(availableParallelism())));
  const database = await createBenchDatabase('ingest', keep);
  const rss = peakRssTracker();
  try {
    const ingest = await ingestAll({ url: database.url, records, concurrency, processes });
    const counts = await countRows(database.url);
    const copyRuns = await copyBaseline(database.url, records);
    const copySeconds = median(copyRuns);
    // Each process must stay flat on its own; the sum bounds what the processes held at once.
    const benchRssMb = rss.stop();
    const peakRssMb = Math.max(benchRssMb, ...ingest.peakRssMb);
    const summedRssMb = ingest.peakRssMb.reduce((sum, mb) => sum + mb, benchRssMb);
    const ingestSeconds = ingest.seconds;
    const recordsPerSecond = Math.round(records / ingestSeconds);
    const copyRowsPerSecond = Math.round(records / copySeconds);
    const copyRatio = Number((recordsPerSecond / copyRowsPerSecond).toFixed(3));
    console.log(
      `ingest   ${records.toLocaleString()} records in ${ingestSeconds.toFixed(1)} s = ${recordsPerSecond.toLocaleString()} records/s`,
    );
    console.log(
      `         batch ${INGEST_BATCH_SIZE}, ${processes} process(es) × ${concurrency} concurrent callers; ${counts.profiles} profiles, ${counts.sources} source records, ${counts.changes} change-log rows`,
    );
    console.log(`         ${workerCpuLine(ingest.cpu, records)}`);
    console.log(
      `COPY     ${records.toLocaleString()} rows in ${copySeconds.toFixed(1)} s = ${copyRowsPerSecond.toLocaleString()} rows/s (one table, psql COPY FROM STDIN; median of ${copyRuns.map((run) => `${run.toFixed(1)} s`).join(', ')})`,
    );
    console.log(
      `ratio    ${copyRatio} of raw COPY; peak RSS ${peakRssMb} MB (largest process; ${ingest.peakRssMb.join(' + ')} MB in the workers, ${benchRssMb} MB in the bench, ${summedRssMb} MB summed)`,
    );
    console.log(
      JSON.stringify({
        bench: 'ingest',
        records,
        recordsPerSecond,
        copyRowsPerSecond,
        copyRatio,
        peakRssMb,
      }),
    );
  } finally {
    rss.stop();
    await database.drop();
  }
}

/** COPY runs whose median is the baseline: one 6-second run swings by a quarter on a shared VM. */
const COPY_RUNS = 3;

/**
 * Streams the same records as COPY text through `psql` into a fresh table, COPY_RUNS times;
 * returns the seconds of each run. The table holds each record as the store holds a source's
 * (traits and raw payload as `json`), with no index.
 */
async function copyBaseline(url: string, records: number): Promise<number[]> {
  const seconds: number[] = [];
  for (let run = 1; run <= COPY_RUNS; run += 1) {
    const table = `copy_baseline_${run}`;
    await psql(
      url,
      `CREATE TABLE ${table} (connection_id uuid, external_id text, updated_at timestamptz, traits json, raw json)`,
    );
    seconds.push(await copyInto(url, table, records));
  }
  return seconds;
}

async function copyInto(url: string, table: string, records: number): Promise<number> {
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'psql',
      [url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', `COPY ${table} FROM STDIN`],
      {
        stdio: ['pipe', 'inherit', 'inherit'],
      },
    );
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`psql COPY exited with ${code}`)),
    );
    let i = 0;
    const write = () => {
      while (i < records) {
        let chunk = '';
        for (const end = Math.min(records, i + 1000); i < end; i += 1) {
          const item = syntheticRecord(i);
          chunk += `${item.connectionId}\t${item.record.externalId}\t${item.record.updatedAt}\t${copyText(JSON.stringify(item.record.traits))}\t${copyText(JSON.stringify(item.raw))}\n`;
        }
        if (!child.stdin.write(chunk)) {
          child.stdin.once('drain', write);
          return;
        }
      }
      child.stdin.end();
    };
    write();
  });
  return Number(process.hrtime.bigint() - started) / 1e9;
}

/**
 * The workers' CPU per record and the share V8's garbage collector took of it (PostgreSQL's
 * CPU, on the same machine or not, is not in it).
 */
function workerCpuLine(cpu: CpuSpent[], records: number): string {
  const total = (key: keyof CpuSpent) => cpu.reduce((sum, spent) => sum + spent[key], 0);
  const cpuMs = total('cpuMs');
  const percent = (ms: number) => `${Math.round((100 * ms) / cpuMs)} %`;
  return `worker CPU ${((cpuMs * 1000) / records).toFixed(1)} µs/record (${cpu.map((spent) => `${(spent.cpuMs / 1000).toFixed(1)} s`).join(' + ')}); GC ${percent(total('scavengeMs'))} scavenges, ${percent(total('otherGcMs'))} other`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function copyText(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n');
}

function psql(url: string, sql: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn('psql', [url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql], {
      stdio: 'inherit',
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve() : reject(new Error(`psql exited with ${code}`)),
    );
  });
}

if (require.main === module) {
  run(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

interface IngestRun {
  seconds: number;
  /** Peak RSS of each worker process. */
  peakRssMb: number[];
  /** CPU each worker process spent ingesting. */
  cpu: CpuSpent[];
}

/**
 * Ingests the synthetic stream in `processes` forked worker processes, started with the
 * worker's Node flags, each taking every `processes`-th batch. The clock starts once every
 * worker is connected, so start-up (ts-node compiling, pool connecting) is not counted.
 */
async function ingestAll(options: Omit<IngestSlice, 'processIndex'>): Promise<IngestRun> {
  const workers = Array.from({ length: options.processes }, (_, processIndex) =>
    fork(
      join(__dirname, 'ingest-worker-support.ts'),
      [JSON.stringify({ ...options, processIndex })],
      {
        execArgv: [...WORKER_NODE_FLAGS, '-r', 'ts-node/register/transpile-only'],
      },
    ),
  );
  let done = 0;
  let started = process.hrtime.bigint();
  const progress = setInterval(() => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    process.stdout.write(
      `  ingest: ${done.toLocaleString()} / ${options.records.toLocaleString()} (${Math.round(done / seconds)} rec/s)\n`,
    );
  }, 10_000);
  try {
    await Promise.all(workers.map((worker) => nextMessage(worker, 'ready')));
    // Listened for only now: a worker that died before `ready` must not also leave a rejected
    // `done` nobody awaits (which would end the bench before it drops its database).
    const finished = workers.map((worker) => {
      worker.on('message', (message: WorkerMessage) => {
        if (message.type !== 'ready') done += message.records;
      });
      return nextMessage(worker, 'done');
    });
    started = process.hrtime.bigint();
    for (const worker of workers) worker.send('start');
    const results = await Promise.all(finished);
    return {
      seconds: Number(process.hrtime.bigint() - started) / 1e9,
      peakRssMb: results.map((result) => result.peakRssMb),
      cpu: results.map((result) => result.cpu),
    };
  } finally {
    clearInterval(progress);
    for (const worker of workers) if (worker.exitCode === null) worker.kill();
  }
}

/** Resolves with the worker's next message of that type; rejects if it exits first. */
function nextMessage<T extends WorkerMessage['type']>(
  worker: ChildProcess,
  type: T,
): Promise<Extract<WorkerMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    if (worker.exitCode !== null || worker.signalCode !== null) {
      reject(
        new Error(
          `ingest worker had exited (${worker.exitCode ?? worker.signalCode}) before '${type}'`,
        ),
      );
      return;
    }
    const onMessage = (message: WorkerMessage) => {
      if (message.type !== type) return;
      worker.off('exit', onExit);
      worker.off('message', onMessage);
      resolve(message as Extract<WorkerMessage, { type: T }>);
    };
    const onExit = (code: number | null) =>
      reject(new Error(`ingest worker exited with ${code} before '${type}'`));
    worker.on('message', onMessage);
    worker.once('exit', onExit);
  });
}

async function countRows(url: string) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ profiles: number; sources: number; changes: number }>(
      `SELECT (SELECT count(*)::int FROM profile) AS profiles, (SELECT count(*)::int FROM source_record) AS sources,
              (SELECT count(*)::int FROM profile_change) AS changes`,
    );
    return rows[0];
  } finally {
    await client.end();
  }
}

/**
 * `npm run bench -- ingest [--records N] [--concurrency C] [--keep]`
 *
 * Ingests N synthetic records through ProfileStore.ingest in production-size batches
 * (INGEST_BATCH_SIZE) with C concurrent callers (default INGEST_CONCURRENCY, as one worker runs
 * them), then loads the same records with plain PostgreSQL COPY into one table on the same
 * server, and prints both rates and their ratio.
 * Last line: {"bench":"ingest","records":N,"recordsPerSecond":…,"copyRowsPerSecond":…,"copyRatio":…,"peakRssMb":…}
 */
import { spawn } from 'node:child_process';
import { INGEST_BATCH_SIZE, INGEST_CONCURRENCY } from '../src/profiles/ingest/ingest-job';
import {
  createBenchDatabase,
  createBenchStore,
  flag,
  peakRssTracker,
  syntheticRecord,
} from './ingest-support';

export async function run(args: string[]): Promise<void> {
  const records = Number(flag(args, 'records', '1000000'));
  const concurrency = Number(flag(args, 'concurrency', String(INGEST_CONCURRENCY)));
  const keep = args.includes('--keep');
  const database = await createBenchDatabase('ingest', keep);
  const rss = peakRssTracker();
  try {
    const { store, dataSource } = await createBenchStore(database.url, concurrency + 1);
    const batches = Math.ceil(records / INGEST_BATCH_SIZE);
    let next = 0;
    let done = 0;
    const started = process.hrtime.bigint();
    const progress = setInterval(() => {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      process.stdout.write(
        `  ingest: ${done.toLocaleString()} / ${records.toLocaleString()} (${Math.round(done / seconds)} rec/s)\n`,
      );
    }, 10_000);
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        for (let batch = next++; batch < batches; batch = next++) {
          const from = batch * INGEST_BATCH_SIZE;
          const to = Math.min(records, from + INGEST_BATCH_SIZE);
          const items = Array.from({ length: to - from }, (_, k) => syntheticRecord(from + k));
          await store.ingest(items, { kind: 'sync', syncRunId: 'bench' });
          done += items.length;
        }
      }),
    );
    clearInterval(progress);
    const ingestSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    const [counts] = (await dataSource.query(
      `SELECT (SELECT count(*)::int FROM profile) AS profiles, (SELECT count(*)::int FROM source_record) AS sources,
              (SELECT count(*)::int FROM profile_change) AS changes`,
    )) as { profiles: number; sources: number; changes: number }[];
    await dataSource.destroy();

    const copySeconds = await copyBaseline(database.url, records);
    const peakRssMb = rss.stop();
    const recordsPerSecond = Math.round(records / ingestSeconds);
    const copyRowsPerSecond = Math.round(records / copySeconds);
    const copyRatio = Number((recordsPerSecond / copyRowsPerSecond).toFixed(3));
    console.log(
      `ingest   ${records.toLocaleString()} records in ${ingestSeconds.toFixed(1)} s = ${recordsPerSecond.toLocaleString()} records/s`,
    );
    console.log(
      `         batch ${INGEST_BATCH_SIZE}, ${concurrency} concurrent callers; ${counts.profiles} profiles, ${counts.sources} source records, ${counts.changes} change-log rows`,
    );
    console.log(
      `COPY     ${records.toLocaleString()} rows in ${copySeconds.toFixed(1)} s = ${copyRowsPerSecond.toLocaleString()} rows/s (one table, psql COPY FROM STDIN)`,
    );
    console.log(`ratio    ${copyRatio} of raw COPY; peak RSS ${peakRssMb} MB`);
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

/** Streams the same records as COPY text into one table through `psql`; returns seconds. */
async function copyBaseline(url: string, records: number): Promise<number> {
  await psql(
    url,
    `CREATE TABLE copy_baseline (connection_id uuid, external_id text, updated_at timestamptz, traits jsonb, raw jsonb)`,
  );
  const started = process.hrtime.bigint();
  await new Promise<void>((resolve, reject) => {
    const child = spawn(
      'psql',
      [url, '-q', '-v', 'ON_ERROR_STOP=1', '-c', 'COPY copy_baseline FROM STDIN'],
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

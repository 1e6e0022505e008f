/**
 * Shared by `bench/ingest.ts` and `bench/profile-api.ts`: a throwaway database of the bench's
 * own on the configured server (never the service's database), a ProfileStore built without
 * Nest, and a deterministic synthetic record stream.
 */
import { randomBytes } from 'node:crypto';
import { DataSource } from 'typeorm';
import { ensureDatabase } from '../src/database/ensure-database';
import { runMigrations } from '../src/database/migrations';
import { ConnectionRankingRepository } from '../src/profiles/connections/connection-ranking.repository';
import { loadIdentityRules } from '../src/profiles/identity/identity-rules.loader';
import { IngestItem } from '../src/profiles/ingest/ingest-job';
import {
  deriveSuppressionSalt,
  SuppressionHasher,
} from '../src/profiles/privacy/suppression-hasher';
import { ProfileBatchRepository } from '../src/profiles/store/profile-batch.repository';
import { ProfileStore } from '../src/profiles/store/profile-store.service';
import { Client } from 'pg';
import { dropDatabase } from '../test/support/throwaway-resources';

export const BENCH_CONNECTIONS = [
  'b0000000-0000-4000-8000-000000000001',
  'b0000000-0000-4000-8000-000000000002',
  'b0000000-0000-4000-8000-000000000003',
  'b0000000-0000-4000-8000-000000000004',
];

export function flag(args: string[], name: string, fallback: string): string {
  const index = args.indexOf(`--${name}`);
  if (index >= 0 && args[index + 1] !== undefined) return args[index + 1];
  const inline = args.find((arg) => arg.startsWith(`--${name}=`));
  return inline ? inline.slice(name.length + 3) : fallback;
}

/**
 * The SECRETS_KEY a bench starts Syncline with: the environment's, else a fresh one. A database
 * reused through BENCH_DATABASE_URL keeps the suppression salt sealed under the key of its
 * first run, and Syncline refuses to start without that key: set SECRETS_KEY to reuse one.
 */
export function benchSecretsKey(): Buffer {
  const given = process.env.SECRETS_KEY;
  return given ? Buffer.from(given, 'base64') : randomBytes(32);
}

export interface BenchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * Creates and migrates `syncline_bench_<purpose>_<random>` on the server of DATABASE_URL
 * (default local), or uses BENCH_DATABASE_URL as is when set (then it is not dropped).
 */
export async function createBenchDatabase(purpose: string, keep: boolean): Promise<BenchDatabase> {
  if (process.env.BENCH_DATABASE_URL) {
    await ensureDatabase(process.env.BENCH_DATABASE_URL);
    await runMigrations(process.env.BENCH_DATABASE_URL);
    return { url: process.env.BENCH_DATABASE_URL, drop: async () => undefined };
  }
  const server = new URL(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/syncline');
  server.pathname = `/syncline_bench_${purpose}_${randomBytes(4).toString('hex')}`;
  const url = server.toString();
  await ensureDatabase(url);
  await runMigrations(url);
  const client = new Client({ connectionString: url });
  await client.connect();
  for (const id of BENCH_CONNECTIONS) {
    await client.query(
      `INSERT INTO connection (id, connector, name, direction) VALUES ($1::uuid, 'bench', $1::text, 'pull')`,
      [id],
    );
  }
  await client.end();
  return {
    url,
    drop: async () => {
      if (!keep) await dropDatabase(url);
    },
  };
}

export async function createBenchStore(url: string, poolSize: number) {
  const dataSource = new DataSource({ type: 'postgres', url, extra: { max: poolSize } });
  await dataSource.initialize();
  const config = { defaultPhoneRegion: 'US', secretsKey: randomBytes(32) };
  const store = new ProfileStore(
    dataSource,
    config,
    loadIdentityRules(config.defaultPhoneRegion),
    new ConnectionRankingRepository(),
    new ProfileBatchRepository(),
    new SuppressionHasher(deriveSuppressionSalt(config.secretsKey)),
  );
  return { store, dataSource };
}

const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Frances', 'Ken'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Allen', 'Thompson'];
const COMPANY = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Stark'];

/**
 * Record `i` of a synthetic sync: one person per record, every 10th record a second source
 * (another connection) for an earlier person — so attaches and survivorship run too — and a
 * third of the records with a phone. Deterministic, generated on demand (flat memory).
 */
export function syntheticRecord(i: number): IngestItem {
  const overlap = i % 10 === 9;
  const person = overlap ? i - 5 : i;
  const connectionId = BENCH_CONNECTIONS[overlap ? (i % 3) + 1 : 0];
  const traits = {
    email: `user${person}@bench.syncline.dev`,
    firstName: FIRST[person % FIRST.length],
    lastName: LAST[(person >> 3) % LAST.length],
    company: COMPANY[i % COMPANY.length],
    ...(person % 3 === 0
      ? { phone: `+1415${String(2000000 + (person % 7999999)).padStart(7, '0')}` }
      : {}),
    emailConsent: 'subscribed' as const,
  };
  return {
    connectionId,
    record: {
      externalId: `rec-${i}`,
      updatedAt: new Date(Date.UTC(2024, 0, 1) + i * 1000).toISOString(),
      traits,
    },
    raw: { id: `rec-${i}`, properties: { email: traits.email, firstname: traits.firstName } },
    // As a sync sets it: when the page holding the record was read.
    observedAt: new Date(Date.UTC(2024, 6, 1) + Math.floor(i / 100) * 50).toISOString(),
  };
}

export function peakRssTracker(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 100);
  return {
    stop: () => {
      clearInterval(timer);
      return Math.round(Math.max(peak, process.memoryUsage().rss) / (1024 * 1024));
    },
  };
}

/**
 * `npm run bench -- webhooks [--duration S] [--connections C] [--warmup S] [--log-level L] [--keep]`
 *
 * Starts a Syncline API process (SYNCLINE_ROLE=api, as operators run it) on a throwaway
 * database with one Shopify connection, and drives `POST /webhooks/:id` with autocannon for S
 * seconds over C connections, every request a new signed `customers/create` delivery (its own
 * customer and webhook id). Then runs a bare Node HTTP server under the same load for the
 * baseline, starts a worker process, waits for the inbox and the `webhooks` queue to drain,
 * and checks that every acknowledged delivery is in the profile store. It also prints the CPU
 * the API process and the bare server each spent per request (Linux), which a noisy VM moves
 * less than their rates. Defaults: 10 s, 10 connections, 3 s
 * warm-up, LOG_LEVEL=warn (`--log-level info` adds the access log line of every request).
 * Last line: {"bench":"webhooks","acceptedPerSecond":…,"p50Ms":…,"p99Ms":…,"bareRequestsPerSecond":…,"ratio":…,"lost":…}
 */
import autocannon from 'autocannon';
import { Queue } from 'bullmq';
import Redis from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { QueueName } from '../src/queues/queue-names';
import { webhookInboxKeys } from '../src/webhooks/webhook-inbox';
import { deleteRedisKeys } from '../test/support/throwaway-resources';
import { benchSecretsKey, createBenchDatabase, flag } from './ingest-support';
import {
  BenchProcess,
  benchQueuePrefix,
  FIRST_CUSTOMER_ID,
  freePort,
  sealCredentials,
  shopifyCustomerJson,
  shopifyHeaders,
  sleep,
  spawnBareServer,
  processCpuMs,
  spawnSyncline,
  waitForOutput,
  waitUntilReady,
} from './webhooks-support';

const DRAIN_TIMEOUT_MS = 15 * 60_000;
/** A queue whose depth does not move for this long is stuck, not slow. */
const STALL_TIMEOUT_MS = 60_000;

export async function run(args: string[]): Promise<void> {
  const duration = Number(flag(args, 'duration', '10'));
  const connections = Number(flag(args, 'connections', '10'));
  const warmup = Number(flag(args, 'warmup', '3'));
  // `warn` keeps the per-request access log line out of the measurement; `info` includes it.
  const logLevel = flag(args, 'log-level', 'warn');
  const redisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
  const database = await createBenchDatabase('webhooks', args.includes('--keep'));
  const queuePrefix = benchQueuePrefix();
  const secretsKey = benchSecretsKey();
  const clientSecret = randomBytes(24).toString('hex');
  const connectionId = randomUUID();
  const processes: BenchProcess[] = [];
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queue = new Queue(QueueName.Webhooks, { connection: redis, prefix: queuePrefix });
  try {
    await insertShopifyConnection(database.url, connectionId, secretsKey, clientSecret);
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      QUEUE_PREFIX: queuePrefix,
      SECRETS_KEY: secretsKey.toString('base64'),
      ADMIN_TOKEN: randomBytes(24).toString('hex'),
      LOG_LEVEL: logLevel,
      RUN_MIGRATIONS: 'false',
      HOST: '127.0.0.1',
    };
    const port = await freePort();
    const api = spawnSyncline({ ...env, SYNCLINE_ROLE: 'api', PORT: String(port) });
    processes.push(api);
    await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, api);

    const accepted = new Set<number>();
    const webhookUrl = `http://127.0.0.1:${port}/webhooks/${connectionId}`;
    const deliveries = new Deliveries(clientSecret);
    // Warm-up (JIT, connection cache, Redis scripts), then the measured run.
    await cannon(webhookUrl, warmup, connections, deliveries, accepted);
    const apiCpu = cpuMeter(api);
    const result = await cannon(webhookUrl, duration, connections, deliveries, accepted);
    const apiCpuMs = apiCpu.stop();
    const acceptedPerSecond = Math.round(result['2xx'] / result.duration);
    const p50Ms = result.latency.p50;
    const p99Ms = result.latency.p99;
    if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
      console.log(
        `  warning: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`,
      );
    }

    const bare = spawnBareServer();
    processes.push(bare);
    const barePort = await waitForOutput(bare, /PORT=(\d+)/);
    const bareUrl = `http://127.0.0.1:${barePort}/webhooks/${connectionId}`;
    const baseline = new Deliveries(clientSecret, 1e9);
    await cannon(bareUrl, warmup, connections, baseline);
    const bareCpu = cpuMeter(bare);
    const bareResult = await cannon(bareUrl, duration, connections, baseline);
    const bareCpuMs = bareCpu.stop();
    await bare.stop();
    const bareRequestsPerSecond = Math.round(bareResult['2xx'] / bareResult.duration);
    const ratio = Number((acceptedPerSecond / bareRequestsPerSecond).toFixed(3));

    const measureBacklog = () => backlog(queue, redis, queuePrefix);
    const queued = await measureBacklog();
    const worker = spawnSyncline({ ...env, SYNCLINE_ROLE: 'worker' });
    processes.push(worker);
    const { failed, seconds: drainSeconds } = await drain(measureBacklog, worker, queued, queue);
    const stored = await storedCustomers(database.url, connectionId);
    const lost = [...accepted].filter((i) => !stored.ids.has(String(FIRST_CUSTOMER_ID + i))).length;

    console.log(
      `POST /webhooks/:id  signed Shopify customers/create, ${connections} connections, ${duration} s (after ${warmup} s warm-up), log level ${logLevel}`,
    );
    console.log(
      `  accepted ${acceptedPerSecond.toLocaleString()}/s   p50 ${p50Ms} ms   p99 ${p99Ms} ms   (${result['2xx']} accepted, ${result.non2xx} refused)`,
    );
    console.log(
      `  bare Node HTTP server: ${bareRequestsPerSecond.toLocaleString()} req/s (p50 ${bareResult.latency.p50} ms, p99 ${bareResult.latency.p99} ms); ratio ${ratio}`,
    );
    console.log(`  ${cpuLine(apiCpuMs, result['2xx'], bareCpuMs, bareResult['2xx'])}`);
    console.log(
      `  worker drained ${queued.toLocaleString()} queued events in ${drainSeconds.toFixed(1)} s from its first job (${Math.round(queued / drainSeconds).toLocaleString()} events/s); ${failed} failed`,
    );
    console.log(
      `  store: ${stored.ids.size.toLocaleString()} source records, ${stored.profiles.toLocaleString()} profiles for ${accepted.size.toLocaleString()} acknowledged deliveries; lost ${lost}`,
    );
    console.log(
      JSON.stringify({
        bench: 'webhooks',
        acceptedPerSecond,
        p50Ms,
        p99Ms,
        bareRequestsPerSecond,
        ratio,
        lost,
      }),
    );
  } finally {
    for (const process of processes.reverse()) await process.stop();
    await queue.close();
    redis.disconnect();
    await deleteRedisKeys(redisUrl, queuePrefix);
    await database.drop();
  }
}

/** CPU a process spends from now until `stop` (ms), where the OS tells. */
function cpuMeter(process: BenchProcess): { stop(): number | undefined } {
  const pid = process.child.pid;
  const start = processCpuMs(pid);
  return {
    stop: () => {
      const end = processCpuMs(pid);
      return start === undefined || end === undefined ? undefined : end - start;
    },
  };
}

/** CPU per answered request of the API process and of the bare server, and their ratio. */
function cpuLine(
  apiCpuMs: number | undefined,
  accepted: number,
  bareCpuMs: number | undefined,
  bareAnswered: number,
): string {
  if (apiCpuMs === undefined || bareCpuMs === undefined || accepted === 0 || bareAnswered === 0) {
    return 'CPU per request: not measured (needs /proc)';
  }
  const apiUs = (apiCpuMs * 1000) / accepted;
  const bareUs = (bareCpuMs * 1000) / bareAnswered;
  return `CPU per request: API process ${apiUs.toFixed(0)} µs per accepted delivery, bare server ${bareUs.toFixed(0)} µs (${(bareUs / apiUs).toFixed(3)} of the API's)`;
}

/** Signed deliveries, each a new customer (`i` counts up from `first`). */
class Deliveries {
  private next: number;

  constructor(
    private readonly secret: string,
    first = 0,
  ) {
    this.next = first;
  }

  take(): { i: number; body: string; headers: Record<string, string> } {
    const i = this.next++;
    const body = shopifyCustomerJson(i, new Date().toISOString());
    return { i, body, headers: shopifyHeaders(body, this.secret) };
  }
}

function cannon(
  url: string,
  duration: number,
  connections: number,
  deliveries: Deliveries,
  accepted?: Set<number>,
): Promise<autocannon.Result> {
  const { pathname } = new URL(url);
  return autocannon({
    url,
    connections,
    duration,
    requests: [
      {
        method: 'POST',
        // With one request in flight per connection, the context carries the delivery from
        // request to response, so the bench knows exactly which deliveries were acknowledged.
        setupRequest: (request, context) => {
          const delivery = deliveries.take();
          (context as { i?: number }).i = delivery.i;
          return { ...request, path: pathname, headers: delivery.headers, body: delivery.body };
        },
        onResponse: (status, _body, context) => {
          const { i } = context as { i?: number };
          if (status >= 200 && status < 300 && i !== undefined) accepted?.add(i);
        },
      },
    ],
  });
}

/** Events accepted and not yet processed: in the inbox, or jobs waiting, active or delayed. */
async function backlog(queue: Queue, redis: Redis, queuePrefix: string): Promise<number> {
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
  const jobs = Object.values(counts).reduce((sum, n) => sum + n, 0);
  return jobs + (await redis.xlen(webhookInboxKeys(queuePrefix).stream));
}

/**
 * Waits until the backlog is empty. Timed from the worker's first finished job, so its
 * start-up (a few seconds of ts-node compilation) is not counted as draining.
 */
async function drain(
  measure: () => Promise<number>,
  worker: BenchProcess,
  queued: number,
  queue: Queue,
): Promise<{ failed: number; seconds: number }> {
  const deadline = Date.now() + DRAIN_TIMEOUT_MS;
  let firstJobAt: number | undefined;
  let lastReport = Date.now();
  let lastDepth = -1;
  let lastMove = Date.now();
  let idlePolls = 0;
  while (idlePolls < 2) {
    if (worker.child.exitCode !== null) throw new Error(`worker exited:\n${worker.output()}`);
    if (Date.now() > deadline) throw new Error('the webhook backlog did not drain in time');
    await sleep(100);
    const depth = await measure();
    if (depth !== lastDepth) [lastDepth, lastMove] = [depth, Date.now()];
    if (Date.now() - lastMove > STALL_TIMEOUT_MS) {
      throw new Error(`the webhook backlog is stuck at ${depth} events:\n${worker.output()}`);
    }
    if (firstJobAt === undefined && depth < queued) firstJobAt = Date.now();
    idlePolls = depth === 0 ? idlePolls + 1 : 0;
    if (Date.now() - lastReport > 5000) {
      console.log(`  draining: ${depth.toLocaleString()} events left`);
      lastReport = Date.now();
    }
  }
  // The two idle polls at the end are not draining either.
  const seconds = (Date.now() - 200 - (firstJobAt ?? Date.now())) / 1000;
  return { failed: await queue.getJobCountByTypes('failed'), seconds };
}

async function insertShopifyConnection(
  url: string,
  id: string,
  secretsKey: Buffer,
  clientSecret: string,
): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const credentials = sealCredentials(secretsKey, id, {
      accessToken: 'shpat_bench',
      clientSecret,
    });
    await client.query(
      `INSERT INTO connection (id, connector, name, config, credentials, direction, enabled, mapping)
       VALUES ($1, 'shopify', 'Shopify (bench)', $2, $3, 'pull', true, '{}')`,
      [id, { shopDomain: 'bench.myshopify.com' }, credentials],
    );
  } finally {
    await client.end();
  }
}

async function storedCustomers(
  url: string,
  connectionId: string,
): Promise<{ ids: Set<string>; profiles: number }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const sources = await client.query<{ external_id: string }>(
      'SELECT external_id FROM source_record WHERE connection_id = $1',
      [connectionId],
    );
    const profiles = await client.query<{ count: number }>(
      'SELECT count(*)::int AS count FROM profile',
    );
    return {
      ids: new Set(sources.rows.map((row) => row.external_id)),
      profiles: profiles.rows[0].count,
    };
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  run(process.argv.slice(2)).catch((error) => {
    console.error(error);
    process.exit(1);
  });
}

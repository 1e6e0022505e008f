import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { INGEST_JOB_NAME, IngestJobData } from '../../src/profiles/ingest/ingest-job';
import { QueueName } from '../../src/queues/queue-names';
import { freePort } from '../support/free-port';
import { spawnTs, SpawnedProcess, waitUntilReady } from '../support/spawn-service';
import { createTestEnvironment, TestEnvironment } from '../support/test-environment';

function ingestBatch(connectionId: string, size: number): IngestJobData {
  return {
    cause: { kind: 'manual' },
    items: Array.from({ length: size }, (_, i) => ({
      connectionId,
      record: {
        externalId: `ext-${i}`,
        updatedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i % 60)).toISOString(),
        traits: { email: `person${i}@example.org`, firstName: `Person ${i}` },
      },
    })),
  };
}

async function waitForState(queue: Queue, jobId: string, states: string[], timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const state = await queue.getJobState(jobId);
    if (states.includes(state)) return state;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${state} after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * The value of the sample `name` with exactly `labels` in a Prometheus text exposition, or
 * undefined when there is none.
 */
function sampleOf(text: string, name: string, labels: Record<string, string> = {}) {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  for (const line of text.split('\n')) {
    const sample = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!sample || sample[1] !== name) continue;
    const found = sample[2] ? sample[2].split(',') : [];
    if (found.length === wanted.length && wanted.every((label) => found.includes(label))) {
      return Number(sample[3]);
    }
  }
  return undefined;
}

/**
 * The two processes as operators run them: the API never takes jobs, the worker does (and,
 * with WORKER_METRICS_PORT, serves its own metrics), and a worker told to stop (SIGTERM)
 * finishes the job in hand before it exits.
 */
describe('api and worker processes', () => {
  let env: TestEnvironment;
  let queue: Queue;
  let connectionId: string;
  const processes: SpawnedProcess[] = [];

  beforeAll(async () => {
    env = await createTestEnvironment();
    queue = new Queue(QueueName.Ingest, {
      connection: { url: env.redisUrl },
      prefix: env.queuePrefix,
    });
    connectionId = randomUUID();
    await env.sql(
      `INSERT INTO connection (id, connector, name, direction) VALUES ($1, 'hubspot', 'worker test', 'pull')`,
      [connectionId],
    );
  });

  afterAll(async () => {
    await Promise.all(processes.map((p) => p.stop('SIGKILL')));
    await queue?.close();
    await env?.teardown();
  });

  it('leaves jobs alone in the API process and processes them in the worker', async () => {
    const port = await freePort();
    const api = spawnTs('src/main.ts', { ...env.env, SYNCLINE_ROLE: 'api', PORT: String(port) });
    processes.push(api);
    await waitUntilReady(`http://127.0.0.1:${port}/health/ready`, api);

    const job = await queue.add(INGEST_JOB_NAME, ingestBatch(connectionId, 10));
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await queue.getJobState(job.id!)).toBe('waiting');

    const metricsPort = await freePort();
    const worker = spawnTs('src/main.ts', {
      ...env.env,
      SYNCLINE_ROLE: 'worker',
      WORKER_METRICS_PORT: String(metricsPort),
    });
    processes.push(worker);
    expect(await waitForState(queue, job.id!, ['completed', 'failed'])).toBe('completed');
    const [{ count }] = await env.sql<{ count: string }>('SELECT count(*) FROM source_record');
    expect(Number(count)).toBe(10);

    // The worker's own metrics: its process, and the one job it ran.
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scrape.status).toBe(200);
    expect(scrape.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await scrape.text();
    expect(sampleOf(text, 'syncline_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleOf(text, 'syncline_process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleOf(text, 'syncline_nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# TYPE syncline_nodejs_gc_duration_seconds histogram');
    const ingestCompleted = { queue: 'ingest', outcome: 'completed' };
    expect(sampleOf(text, 'syncline_worker_job_runs_total', ingestCompleted)).toBe(1);
    expect(sampleOf(text, 'syncline_worker_job_duration_seconds_count', ingestCompleted)).toBe(1);
    expect(
      sampleOf(text, 'syncline_worker_job_duration_seconds_sum', ingestCompleted),
    ).toBeGreaterThan(0);
    // Cluster-wide figures read from Redis are the API's to report, and no secret is shown.
    expect(text).not.toMatch(/syncline_(queue_jobs|queue_job_outcomes|metrics_redis_up|http_)/);
    for (const secret of [env.env.SECRETS_KEY, env.env.ADMIN_TOKEN, env.databaseUrl]) {
      expect(text).not.toContain(secret);
    }
    expect((await fetch(`http://127.0.0.1:${metricsPort}/`)).status).toBe(404);

    expect(worker.output()).not.toContain('"level":50');
    await worker.stop();
  });

  it('finishes the job in hand when told to stop (SIGTERM), then exits', async () => {
    const worker = spawnTs('src/main.ts', { ...env.env, SYNCLINE_ROLE: 'worker' });
    processes.push(worker);
    const warmUp = await queue.add(INGEST_JOB_NAME, ingestBatch(randomUUID(), 0));
    await waitForState(queue, warmUp.id!, ['completed', 'failed']);

    const big = await queue.add(INGEST_JOB_NAME, ingestBatch(connectionId, 5000));
    await waitForState(queue, big.id!, ['active'], 30_000);
    worker.child.kill('SIGTERM');
    await worker.exited;

    expect(await queue.getJobState(big.id!)).toBe('completed');
    expect(worker.child.signalCode === 'SIGTERM' || worker.child.exitCode === 0).toBe(true);
  });
});

import { Logger } from '@nestjs/common';
import { connect, createServer, Socket } from 'node:net';
import { StartupError } from '../../../src/bootstrap/startup-error';
import { loadConfig } from '../../../src/config/load-config';
import { WorkerMetricsServer } from '../../../src/metrics/worker-metrics.server';
import type { JobLogContext, JobRunWatcher } from '../../../src/queues/job-logging';
import { freePort } from '../../support/free-port';

/** A worker's configuration as loaded from its environment. */
const configWith = (env: Record<string, string>) =>
  loadConfig({
    SECRETS_KEY: Buffer.alloc(32, 7).toString('base64'),
    ADMIN_TOKEN: 'admin-token-0123456789abcdef',
    HOST: '127.0.0.1',
    ...env,
  });

/** The job wrapper the worker's processors all run through; keeps what is registered on it. */
function jobLogsWatched(): { jobLogs: JobLogContext; watchers: JobRunWatcher[] } {
  const watchers: JobRunWatcher[] = [];
  const jobLogs = { watchRuns: (watcher: JobRunWatcher) => watchers.push(watcher) };
  return { jobLogs: jobLogs as unknown as JobLogContext, watchers };
}

/** Listening sockets of this process, once the handles closed a moment ago are gone. */
async function listeningServers(): Promise<number> {
  // A closed handle goes in the loop's close phase: after the next check phase, before the one after.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  return process.getActiveResourcesInfo().filter((resource) => resource === 'TCPServerWrap').length;
}

/** A scraper that has sent half a request: the server counts it as busy, not idle. */
async function halfSentRequest(port: number): Promise<{ socket: Socket; closed: Promise<void> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise<void>((resolve) => socket.once('connect', resolve));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', () => undefined);
  socket.write('GET /metrics HTTP/1.1\r\nHost: worker\r\n');
  await new Promise((resolve) => setTimeout(resolve, 50));
  return { socket, closed };
}

const within = <T>(ms: number, promise: Promise<T>) =>
  Promise.race([
    promise.then(() => 'done'),
    new Promise((resolve) => setTimeout(() => resolve(`not done after ${ms} ms`), ms)),
  ]);

describe('WorkerMetricsServer', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('opens no port and watches no job when WORKER_METRICS_PORT is unset', async () => {
    const { jobLogs, watchers } = jobLogsWatched();
    const before = await listeningServers();
    const server = new WorkerMetricsServer(configWith({}), jobLogs);
    await server.onModuleInit();
    expect(await listeningServers()).toBe(before);
    expect(watchers).toHaveLength(0);
    await server.onApplicationShutdown();
  });

  it('serves GET /metrics on HOST:WORKER_METRICS_PORT, and nothing else', async () => {
    const port = await freePort();
    const { jobLogs, watchers } = jobLogsWatched();
    const server = new WorkerMetricsServer(
      configWith({ WORKER_METRICS_PORT: String(port) }),
      jobLogs,
    );
    await server.onModuleInit();
    try {
      expect(watchers).toHaveLength(1);
      const scrape = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(scrape.status).toBe(200);
      const text = await scrape.text();
      expect(text).toMatch(/^syncline_process_cpu_user_seconds_total \d/m);
      expect(text).toContain('# TYPE syncline_worker_job_duration_seconds histogram');
      expect((await fetch(`http://127.0.0.1:${port}/metrics?x=1`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${port}/health`)).status).toBe(404);
      const post = await fetch(`http://127.0.0.1:${port}/metrics`, { method: 'POST' });
      expect(post.status).toBe(405);
      expect(post.headers.get('allow')).toBe('GET, HEAD');
    } finally {
      await server.onApplicationShutdown();
    }
  });

  it('closes at shutdown without waiting for a scraper in the middle of a request', async () => {
    const port = await freePort();
    const before = await listeningServers();
    const server = new WorkerMetricsServer(
      configWith({ WORKER_METRICS_PORT: String(port) }),
      jobLogsWatched().jobLogs,
    );
    await server.onModuleInit();
    expect(await listeningServers()).toBe(before + 1);
    const scraper = await halfSentRequest(port);

    const shutdown = server.onApplicationShutdown();
    try {
      expect(await within(1000, shutdown)).toBe('done');
      expect(await within(1000, scraper.closed)).toBe('done');
      expect(await listeningServers()).toBe(before);
      await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
    } finally {
      scraper.socket.destroy();
      await shutdown;
    }
  });

  it('stops start-up with a line naming WORKER_METRICS_PORT when the port is taken', async () => {
    const port = await freePort();
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(port, '127.0.0.1', resolve));
    const before = await listeningServers();
    try {
      const server = new WorkerMetricsServer(
        configWith({ WORKER_METRICS_PORT: String(port) }),
        jobLogsWatched().jobLogs,
      );
      const failure = server.onModuleInit();
      await expect(failure).rejects.toThrow(StartupError);
      await expect(failure).rejects.toThrow(
        `WORKER_METRICS_PORT: cannot listen on 127.0.0.1:${port} (EADDRINUSE)`,
      );
      expect(await listeningServers()).toBe(before);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

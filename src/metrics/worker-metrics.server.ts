import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Registry } from 'prom-client';
import { StartupError } from '../bootstrap/startup-error';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { JobLogContext } from '../queues/job-logging';
import { JobRunMetrics } from './job-run-metrics';
import { collectProcessMetrics } from './process-metrics';

/**
 * A worker's own `GET /metrics` on WORKER_METRICS_PORT, when set: its process metrics and the
 * jobs it ran. The figures read from Redis (queue depths, cluster-wide outcomes) stay on the
 * API's `/metrics`. A bare Node server: one scrape route needs no framework.
 */
@Injectable()
export class WorkerMetricsServer implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(WorkerMetricsServer.name);
  private readonly registry: Registry | undefined;
  private server: Server | undefined;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    jobLogs: JobLogContext,
  ) {
    if (config.workerMetricsPort === undefined) return;
    const registry = new Registry();
    collectProcessMetrics(registry);
    const jobRuns = new JobRunMetrics(registry);
    // Now, not in a start-up hook: BullMQ starts some workers in its own, which may run first.
    jobLogs.watchRuns((job, work) => jobRuns.time(job, work));
    this.registry = registry;
  }

  async onModuleInit(): Promise<void> {
    const { registry } = this;
    const { host, workerMetricsPort: port } = this.config;
    if (!registry || port === undefined) return;
    const server = createServer(
      (request, response) => void this.answer(registry, request, response),
    );
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    }).catch((error: NodeJS.ErrnoException) => {
      throw new StartupError(
        `WORKER_METRICS_PORT: cannot listen on ${host}:${port} (${error.code ?? error.message})`,
      );
    });
    // A failed accept (out of file descriptors) must not end the worker and its jobs.
    server.on('error', (error) => this.logger.warn({ err: error }, 'worker metrics listener'));
    this.server = server;
    const bound = server.address() as AddressInfo;
    this.logger.log({ host, port: bound.port }, 'worker metrics listening');
  }

  /**
   * Last of the shutdown steps, so the metrics stay scrapeable while jobs drain. Open
   * connections are cut rather than waited for: a scraper's kept-alive connection would hold
   * the process until it idled out.
   */
  async onApplicationShutdown(): Promise<void> {
    const { server } = this;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private async answer(
    registry: Registry,
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<void> {
    if (request.url?.split('?')[0] !== '/metrics') {
      response.writeHead(404).end();
    } else if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { Allow: 'GET, HEAD' }).end();
    } else {
      try {
        const text = await registry.metrics();
        response.writeHead(200, { 'Content-Type': registry.contentType }).end(text);
      } catch (error) {
        this.logger.error({ err: error }, 'worker metrics scrape failed');
        response.writeHead(500).end();
      }
    }
  }
}

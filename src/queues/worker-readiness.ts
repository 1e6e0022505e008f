import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { WorkerHost } from '@nestjs/bullmq';
import type { Worker } from 'bullmq';
import { withTimeout } from '../common/time/with-timeout';
import { logConnectionState } from '../redis/connection-state-log';

/** How long start-up waits for a worker's Redis connections; Redis answered the start-up probe. */
export const WORKER_READY_TIMEOUT_MS = 10_000;

/**
 * Start-up completes only once every queue worker has its Redis connections, and their errors
 * are logged as JSON instead of printed as plain stack traces.
 *
 * The wait is for shutdown's sake: a worker closed while its blocking connection is still
 * initialising drops that connection, and BullMQ (5.x, taskforcesh/bullmq#3546) then emits the
 * aborted initialisation's "Connection is closed" on an emitter whose listeners its `close()`
 * has already removed: an unhandled rejection, which ends a process (or a test file) that was
 * only stopping. Once ready, `close()` quits the connection cleanly.
 */
@Injectable()
export class WorkerReadiness implements OnApplicationBootstrap {
  private readonly logger = new Logger('QueueWorker');

  constructor(private readonly discovery: DiscoveryService) {}

  async onApplicationBootstrap(): Promise<void> {
    const workers = this.workers();
    for (const worker of workers) logConnectionState(worker, this.logger, `worker:${worker.name}`);
    await Promise.all(workers.map((worker) => this.waitFor(worker)));
  }

  private workers(): Worker[] {
    return this.discovery
      .getProviders()
      .map((wrapper) => wrapper.instance as unknown)
      .filter((instance): instance is WorkerHost => instance instanceof WorkerHost)
      .map((host) => host.worker);
  }

  private async waitFor(worker: Worker): Promise<void> {
    try {
      await withTimeout(worker.waitUntilReady(), WORKER_READY_TIMEOUT_MS, `queue ${worker.name}`);
    } catch (error) {
      // Redis went away since the start-up probe: the worker reconnects on its own, as it
      // would at any later outage, so start-up goes on.
      this.logger.warn(
        { queue: worker.name, err: { message: (error as Error).message } },
        'queue worker not connected yet',
      );
    }
  }
}
